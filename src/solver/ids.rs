//! The typed indices of the model (jobs, vehicle types, facilities, streams, locations, travel
//! profiles): below the model, the travel matrices and the errors, which all name them.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);
        impl $name {
            /// The index into the problem's list.
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}
id_type!(
    /// Index of a job in [`Problem::jobs`](super::Problem::jobs).
    JobId
);
id_type!(
    /// Index of a vehicle type in [`Problem::vehicle_types`](super::Problem::vehicle_types).
    VehicleTypeId
);
id_type!(
    /// Index of a disposal facility in [`Problem::facilities`](super::Problem::facilities).
    FacilityId
);
id_type!(
    /// Index of a waste stream in [`Problem::streams`](super::Problem::streams).
    StreamId
);
id_type!(
    /// Index of a location in the travel-cost matrices.
    LocationId
);
id_type!(
    /// Index of a travel profile (one distance/duration matrix pair, e.g. per truck size).
    ProfileId
);
