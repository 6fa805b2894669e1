//! How the solver sees travel: distances and durations between location indices, per travel
//! profile, possibly unreachable. Road matrices (network stage) and benchmark files both
//! implement [`TravelCosts`]; [`MatrixTravel`] is the plain dense implementation.

use super::error::SolverError;
use super::ids::{LocationId, ProfileId};

/// Travel between locations for one travel profile (e.g. per truck size). `None` = no route.
pub trait TravelCosts: Sync {
    fn num_locations(&self) -> usize;
    fn num_profiles(&self) -> usize;
    /// Distance in metres (or the benchmark's distance unit).
    fn distance_m(&self, profile: ProfileId, from: LocationId, to: LocationId) -> Option<f64>;
    /// Duration in seconds.
    fn duration_s(&self, profile: ProfileId, from: LocationId, to: LocationId) -> Option<f64>;
    /// Planar coordinates of a location, if known. Used only to prune the search (SWAP* route
    /// pairs by polar sector), never for costs.
    fn coordinates(&self, _loc: LocationId) -> Option<(f64, f64)> {
        None
    }
}

/// One profile's matrices, row-major `n * n`. `f64::INFINITY` marks an unreachable pair.
#[derive(Clone, Debug)]
pub struct ProfileMatrix {
    pub distance_m: Vec<f64>,
    pub duration_s: Vec<f64>,
}

/// Dense matrices for `n` locations, validated at construction.
#[derive(Clone, Debug)]
pub struct MatrixTravel {
    n: usize,
    profiles: Vec<ProfileMatrix>,
    coords: Option<Vec<(f64, f64)>>,
}

impl MatrixTravel {
    /// Checks sizes and values: NaN or negative entries are errors naming the pair;
    /// `+inf` means unreachable.
    pub fn new(n: usize, profiles: Vec<ProfileMatrix>) -> Result<Self, SolverError> {
        for (p, m) in profiles.iter().enumerate() {
            for (what, v) in [("distance", &m.distance_m), ("duration", &m.duration_s)] {
                if v.len() != n * n {
                    return Err(SolverError::Invalid(vec![super::error::InputProblem {
                        item: format!("matrix profile {p}"),
                        what: format!("{what} matrix has {} entries, expected {n} x {n}", v.len()),
                        subject: super::error::Subject::Problem,
                    }]));
                }
                if let Some(k) = v.iter().position(|x| x.is_nan() || *x < 0.0) {
                    return Err(SolverError::BadMatrixValue {
                        profile: p as u32,
                        what,
                        from: (k / n) as u32,
                        to: (k % n) as u32,
                        value: v[k],
                        places: String::new(),
                    });
                }
            }
        }
        Ok(MatrixTravel {
            n,
            profiles,
            coords: None,
        })
    }

    /// Attaches planar coordinates (for search pruning only).
    pub fn with_coordinates(mut self, coords: Vec<(f64, f64)>) -> Self {
        if coords.len() == self.n {
            self.coords = Some(coords);
        }
        self
    }

    /// Number of locations.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The matrices, one per profile.
    pub fn profiles(&self) -> &[ProfileMatrix] {
        &self.profiles
    }

    /// The planar coordinates attached, if any.
    pub fn all_coordinates(&self) -> Option<&[(f64, f64)]> {
        self.coords.as_deref()
    }

    fn get(&self, v: &[f64], from: LocationId, to: LocationId) -> Option<f64> {
        let x = *v.get(from.ix() * self.n + to.ix())?;
        x.is_finite().then_some(x)
    }
}

impl TravelCosts for MatrixTravel {
    fn num_locations(&self) -> usize {
        self.n
    }
    fn num_profiles(&self) -> usize {
        self.profiles.len()
    }
    fn distance_m(&self, profile: ProfileId, from: LocationId, to: LocationId) -> Option<f64> {
        self.get(&self.profiles.get(profile.ix())?.distance_m, from, to)
    }
    fn duration_s(&self, profile: ProfileId, from: LocationId, to: LocationId) -> Option<f64> {
        self.get(&self.profiles.get(profile.ix())?.duration_s, from, to)
    }
    fn coordinates(&self, loc: LocationId) -> Option<(f64, f64)> {
        self.coords.as_ref()?.get(loc.ix()).copied()
    }
}
