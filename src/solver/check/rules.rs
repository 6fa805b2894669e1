//! What the checker reports: a [`Rule`] broken at a [`Place`]. Typed, so that a test (or a
//! program) can tell which rule failed; `Display` words each for a dispatcher.

use std::fmt;

use crate::solver::model::{JobId, LocationId, TimeWindow, clock};

/// A route, by its index in the solution and, when its vehicle type exists, its truck.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteRef {
    pub route: usize,
    /// The truck's type name and index within the type.
    pub truck: Option<(String, u32)>,
}

impl fmt::Display for RouteRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.truck {
            Some((name, v)) => write!(f, "route {} ({name} #{v})", self.route),
            None => write!(f, "route {}", self.route),
        }
    }
}

/// The job or facility at a stop.
#[derive(Clone, Debug, PartialEq)]
pub enum StopItem {
    Job(String),
    Facility(String),
}

/// Where a rule is broken.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    /// The solution as a whole.
    Solution,
    Route(RouteRef),
    Stop {
        route: RouteRef,
        stop: usize,
        item: Option<StopItem>,
    },
    Job {
        job: JobId,
        name: String,
    },
    Facility {
        facility: usize,
        name: String,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Solution => Ok(()),
            Place::Route(r) => write!(f, "{r}"),
            Place::Stop { route, stop, item } => {
                write!(f, "{route}, stop {stop}")?;
                match item {
                    Some(StopItem::Job(n)) => write!(f, " (job '{n}')"),
                    Some(StopItem::Facility(n)) => write!(f, " (facility '{n}')"),
                    None => Ok(()),
                }
            }
            Place::Job { job, name } => write!(f, "job '{name}' (#{})", job.0),
            Place::Facility { facility, name } => write!(f, "facility '{name}' (#{facility})"),
        }
    }
}

/// One rule broken at one place.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    pub place: Place,
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Place::Solution => write!(f, "{}", self.rule),
            _ => write!(f, "{}: {}", self.place, self.rule),
        }
    }
}

/// Every rule the checker knows, grouped as its modules are. Times are seconds after midnight,
/// durations seconds, distances metres, amounts in the problem's dimension units.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    // The fleet and the routes' form (`shape`).
    UnknownVehicleType {
        vehicle_type: u32,
    },
    TruckIndex {
        truck: u32,
        count: u32,
    },
    TruckTwice,
    NotStartToEnd,
    StartDepot {
        at: LocationId,
        depot: LocationId,
    },
    EndDepot {
        at: LocationId,
        depot: LocationId,
    },
    StartInMiddle,
    EndInMiddle,
    UnknownJob {
        job: u32,
    },
    UnknownFacility {
        facility: u32,
    },
    WrongLocation {
        at: LocationId,
        expected: LocationId,
    },
    BadAmount {
        amount: Vec<i64>,
    },
    // Capacity and streams (`load`).
    OverCapacity {
        load: i64,
        unit: String,
        capacity: i64,
    },
    StreamNotCarried {
        stream: String,
    },
    SkillMissing {
        skill: String,
    },
    StreamNotAccepted {
        stream: String,
    },
    UnloadAmount {
        unloads: Vec<i64>,
        on_board: Vec<i64>,
    },
    LoadAfter {
        reported: Vec<i64>,
        recomputed: Vec<i64>,
    },
    ReturnsLoaded {
        load: Vec<i64>,
    },
    // Travel times, windows and shifts (`time`).
    NoRoad {
        from: LocationId,
        to: LocationId,
    },
    Arrival {
        reported_s: f64,
        recomputed_s: f64,
    },
    StartsBeforeArrival,
    Waiting {
        reported_s: f64,
        actual_s: f64,
    },
    DepotTimes,
    BeforeShift {
        start_s: f64,
        shift_start_s: f64,
    },
    AfterShift {
        back_s: f64,
        shift_end_s: f64,
    },
    OutsideWindows {
        start_s: f64,
        windows: Vec<TimeWindow>,
    },
    BeforeRelease {
        departure_s: f64,
        release_s: f64,
    },
    LeavesEarly {
        departure_s: f64,
        ready_s: f64,
    },
    // The driver's break (`lunch`).
    BreakNotInType,
    BreakAfterEnd {
        after_stop: usize,
    },
    BreakOutsideWindow {
        start_s: f64,
        window: TimeWindow,
    },
    BreakLength {
        lasts_s: f64,
        expected_s: f64,
    },
    BreakDuringWork {
        start_s: f64,
        work_ends_s: f64,
    },
    BreakMissing {
        out_s: f64,
        back_s: f64,
        due_unless_back_s: f64,
        or_leaving_after_s: f64,
    },
    // Disposal facilities (`facility`).
    OutsideOpening {
        start_s: f64,
        opening: Vec<TimeWindow>,
    },
    Intake {
        taken_kg: f64,
        limit_kg: f64,
    },
    // Route limits (`limits`).
    MaxDuration {
        works_s: f64,
        limit_s: f64,
    },
    MaxDistance {
        drives_m: f64,
        limit_m: f64,
    },
    MaxStops {
        makes: u32,
        limit: u32,
    },
    DailyAmount {
        collects: i64,
        unit: String,
        limit: i64,
    },
    // Coverage (`coverage`).
    UnassignedTwice {
        times: usize,
    },
    UnassignedButVisited {
        visits: usize,
    },
    NotServed,
    Parts {
        visited: Vec<u32>,
        parts: u32,
    },
    Collected {
        collected: Vec<i64>,
        amount: Vec<i64>,
    },
    UnknownUnassigned,
    // Reported figures (`totals`).
    RouteDuration {
        reported_s: f64,
        recomputed_s: f64,
    },
    RouteCost {
        reported: f64,
        recomputed: f64,
    },
    RouteDistance {
        reported_m: f64,
        recomputed_m: f64,
    },
    TotalCost {
        reported: f64,
        recomputed: f64,
    },
    VehiclesUsed {
        reported: usize,
        routes: usize,
    },
}

fn windows_text(ws: &[TimeWindow]) -> String {
    ws.iter()
        .map(|w| format!("{}-{}", clock(w.start_s), clock(w.end_s)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Rule::*;
        match self {
            UnknownVehicleType { vehicle_type } => {
                write!(f, "vehicle type {vehicle_type} does not exist")
            }
            TruckIndex { truck, count } => {
                write!(f, "truck index {truck} but only {count} trucks")
            }
            TruckTwice => write!(f, "the same truck drives two routes"),
            NotStartToEnd => write!(f, "must begin with Start and finish with End"),
            StartDepot { at, depot } => write!(
                f,
                "starts at location {} instead of its depot {}",
                at.0, depot.0
            ),
            EndDepot { at, depot } => write!(
                f,
                "ends at location {} instead of its depot {}",
                at.0, depot.0
            ),
            StartInMiddle => write!(f, "Start in the middle of a route"),
            EndInMiddle => write!(f, "End in the middle of a route"),
            UnknownJob { job } => write!(f, "job {job} does not exist"),
            UnknownFacility { facility } => write!(f, "facility {facility} does not exist"),
            WrongLocation { at, expected } => {
                write!(f, "at location {} instead of {}", at.0, expected.0)
            }
            BadAmount { amount } => write!(f, "bad amount {amount:?}"),
            OverCapacity {
                load,
                unit,
                capacity,
            } => write!(f, "load {load} {unit} over capacity {capacity}"),
            StreamNotCarried { stream } => write!(f, "truck may not carry stream '{stream}'"),
            SkillMissing { skill } => write!(f, "truck lacks skill '{skill}'"),
            StreamNotAccepted { stream } => {
                write!(f, "does not accept stream '{stream}' on board")
            }
            UnloadAmount { unloads, on_board } => {
                write!(f, "unloads {unloads:?} but {on_board:?} is on board")
            }
            LoadAfter {
                reported,
                recomputed,
            } => write!(f, "load_after {reported:?}, recomputed {recomputed:?}"),
            ReturnsLoaded { load } => write!(
                f,
                "returns to the depot with {load:?} on board (trucks must return empty)"
            ),
            NoRoad { from, to } => write!(f, "no road from location {} to {}", from.0, to.0),
            Arrival {
                reported_s,
                recomputed_s,
            } => write!(
                f,
                "arrival {reported_s:.3} s, recomputed {recomputed_s:.3} s from the previous departure"
            ),
            StartsBeforeArrival => write!(f, "starts before it arrives"),
            Waiting {
                reported_s,
                actual_s,
            } => write!(
                f,
                "waiting {reported_s:.3} s but starts {actual_s:.3} s after arriving"
            ),
            DepotTimes => write!(
                f,
                "start depot times out of order (arrival, start, departure)"
            ),
            BeforeShift {
                start_s,
                shift_start_s,
            } => write!(
                f,
                "starts its day at {}, before its shift starts at {}",
                clock(*start_s),
                clock(*shift_start_s)
            ),
            AfterShift {
                back_s,
                shift_end_s,
            } => write!(
                f,
                "back at {}, after its shift ends at {}",
                clock(*back_s),
                clock(*shift_end_s)
            ),
            OutsideWindows { start_s, windows } => write!(
                f,
                "service starts at {}, outside its time windows {}",
                clock(*start_s),
                windows_text(windows)
            ),
            BeforeRelease {
                departure_s,
                release_s,
            } => write!(
                f,
                "leaves at {} but the trip's jobs are released only at {}",
                clock(*departure_s),
                clock(*release_s)
            ),
            LeavesEarly {
                departure_s,
                ready_s,
            } => write!(
                f,
                "leaves at {departure_s:.3} s, before its work (and break) ends at {ready_s:.3} s"
            ),
            BreakNotInType => write!(f, "takes a break its truck type does not have"),
            BreakAfterEnd { after_stop } => {
                write!(f, "break after stop {after_stop} (the end depot or beyond)")
            }
            BreakOutsideWindow { start_s, window } => write!(
                f,
                "break starts at {}, outside {}-{}",
                clock(*start_s),
                clock(window.start_s),
                clock(window.end_s)
            ),
            BreakLength {
                lasts_s,
                expected_s,
            } => write!(f, "break lasts {lasts_s:.0} s instead of {expected_s:.0} s"),
            BreakDuringWork {
                start_s,
                work_ends_s,
            } => write!(
                f,
                "break starts at {} before the work here ends at {}",
                clock(*start_s),
                clock(*work_ends_s)
            ),
            BreakMissing {
                out_s,
                back_s,
                due_unless_back_s,
                or_leaving_after_s,
            } => write!(
                f,
                "out from {} to {} without the break (due unless back by {} or leaving after {})",
                clock(*out_s),
                clock(*back_s),
                clock(*due_unless_back_s),
                clock(*or_leaving_after_s)
            ),
            OutsideOpening { start_s, opening } => write!(
                f,
                "unloading starts at {}, outside its opening hours {}",
                clock(*start_s),
                windows_text(opening)
            ),
            Intake { taken_kg, limit_kg } => write!(
                f,
                "takes {taken_kg:.0} kg in the day, over its limit of {limit_kg:.0} kg"
            ),
            MaxDuration { works_s, limit_s } => write!(
                f,
                "works {works_s:.1} s (break excluded), over the limit of {limit_s:.1} s"
            ),
            MaxDistance { drives_m, limit_m } => {
                write!(
                    f,
                    "drives {drives_m:.1} m, over the limit of {limit_m:.1} m"
                )
            }
            MaxStops { makes, limit } => {
                write!(f, "makes {makes} collections, over the limit of {limit}")
            }
            DailyAmount {
                collects,
                unit,
                limit,
            } => write!(
                f,
                "collects {collects} {unit} in the day, over the limit of {limit}"
            ),
            UnassignedTwice { times } => write!(f, "listed unassigned {times} times"),
            UnassignedButVisited { visits } => {
                write!(f, "listed unassigned but visited {visits} time(s)")
            }
            NotServed => write!(f, "neither served nor listed unassigned"),
            Parts { visited, parts } => {
                write!(f, "visited as parts {visited:?}, expected 1..={parts}")
            }
            Collected { collected, amount } => write!(f, "collected {collected:?} of {amount:?}"),
            UnknownUnassigned => write!(f, "unassigned: lists a job that does not exist"),
            RouteDuration {
                reported_s,
                recomputed_s,
            } => write!(
                f,
                "duration {reported_s} reported, {recomputed_s} recomputed"
            ),
            RouteCost {
                reported,
                recomputed,
            } => write!(f, "cost {reported} reported, {recomputed} recomputed"),
            RouteDistance {
                reported_m,
                recomputed_m,
            } => write!(
                f,
                "distance {reported_m} reported, {recomputed_m} recomputed"
            ),
            TotalCost {
                reported,
                recomputed,
            } => write!(f, "total cost {reported} reported, {recomputed} recomputed"),
            VehiclesUsed { reported, routes } => {
                write!(f, "vehicles_used {reported} but {routes} routes")
            }
        }
    }
}
