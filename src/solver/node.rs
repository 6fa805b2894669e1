//! The codes of a route's nodes, shared by the instance, the segments and the search: a route
//! is a list of `u32`, jobs `0..nj`, then facility visits, the depots and the driver's break.

/// Node codes inside a route: jobs are `0..nj`, facility visits `FAC + f`.
pub(crate) const FAC: u32 = 1 << 30;
pub(crate) const START: u32 = 1 << 31;
pub(crate) const END: u32 = (1 << 31) + 1;
/// The driver's break in a route's node list: taken where the truck is after the node before
/// it. Only `IRoute::nodes` carries it; the local search keeps it as a position instead.
pub(crate) const BRK: u32 = (1 << 31) + 2;

#[inline]
pub(crate) fn is_job(code: u32) -> bool {
    code < FAC
}
