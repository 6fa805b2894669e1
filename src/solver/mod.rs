//! Collection routing: jobs, vehicles and disposal facilities over a travel-cost matrix -> routes.
