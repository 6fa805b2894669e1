//! Vehicle profiles: which roads a vehicle may use, in which direction, how fast.

/// Placeholder, filled in the next step.
#[derive(Debug, Clone, Default)]
pub struct Profile;
/// Placeholder.
#[derive(Debug, Clone, Default)]
pub struct WayRule;
