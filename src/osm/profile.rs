//! Vehicle profiles: which roads a vehicle may use, in which direction and how fast; which
//! barriers stop it; whether turn restrictions bind it. Applied when the graph is built, so
//! one loaded map serves several vehicle types.
//!
//! Defaults ([`Profile::truck`]), each overridable (the struct is plain data, serde-ready):
//! - drivable classes: motorway, trunk, primary, secondary, tertiary (+ their `_link`),
//!   unclassified, residential, living_street, service; not footway, cycleway, path, steps,
//!   pedestrian, track, bridleway, construction, road (unknown class), and never `area=yes`.
//! - access: the most specific of `hgv` (for trucks) / `motorcar` (for cars), `motor_vehicle`,
//!   `vehicle`, `access` decides; `no`, `private`, `agricultural`, `forestry`, `emergency`,
//!   `military`, `psv`, `bus` close the road; `destination`, `delivery`, `customers`, `permit`
//!   keep it open (a waste truck serves those). `impassable=yes` closes it.
//! - oneway: `yes`/`true`/`1` forward, `-1`/`reverse` backward, `reversible`/`alternating`
//!   closed (the direction is unknown in advance); `junction=roundabout|circular` and
//!   `highway=motorway|motorway_link` imply `oneway=yes` unless `oneway=no`.
//! - speed: `maxspeed:hgv` (trucks) or `maxspeed` when tagged (numbers, `km/h`, `mph`, `knots`,
//!   `walk`, `none`, country zones like `IT:urban`, `DE:rural`), else the class default; always
//!   capped at `max_speed_kmh`.
//! - dimensions: `maxweight` (and `maxweight:hgv`), `maxaxleload`, `maxheight`, `maxwidth`,
//!   `maxlength` below the vehicle's close the road (units t, kg, lbs, m, ft/in, ').
//! - barriers on nodes stop the vehicle unless they are a gate-like kind (gate, lift_gate,
//!   swing_gate, toll_booth, border_control, cattle_grid, entrance, sally_port, no,
//!   height_restrictor with enough height) or the node's access tags open it.
//! - turn restrictions: `restriction` or, for trucks, `restriction:hgv`; `except=` naming the
//!   vehicle exempts it; `restriction:conditional` is ignored.

use std::collections::BTreeMap;

use super::Tags;

/// A vehicle type's rules for using roads.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    /// Shown in reports.
    pub name: String,
    /// Drivable `highway=*` classes and the speed (km/h) used where no maxspeed is tagged.
    pub class_speeds_kmh: BTreeMap<String, f64>,
    /// The vehicle never goes faster than this (km/h).
    pub max_speed_kmh: f64,
    /// True for heavy goods vehicles: `hgv=*`, `maxspeed:hgv`, `restriction:hgv` apply.
    pub hgv: bool,
    /// Laden weight (t), axle load (t), height, width, length (m); 0 disables the check.
    pub weight_t: f64,
    pub axle_load_t: f64,
    pub height_m: f64,
    pub width_m: f64,
    pub length_m: f64,
    /// Honour access tags (`access`, `vehicle`, `motor_vehicle`, `hgv`/`motorcar`).
    pub access_tags: bool,
    /// Honour `barrier=*` nodes.
    pub barriers: bool,
    /// Honour turn restriction relations.
    pub turn_restrictions: bool,
    /// `highway=motorway|motorway_link` are one-way unless tagged `oneway=no`.
    pub motorway_implies_oneway: bool,
    /// Drive along the outline of `area=yes` highways (squares, car parks) as if it were a
    /// road. Off for trucks; on in the peers' model, which does not look at `area`.
    pub area_outlines: bool,
    /// `oneway=reversible|alternating` closes the road (its direction changes with the time of
    /// day). Off in the peers' model, which reads such roads as two-way.
    pub reversible_closed: bool,
}

impl Default for Profile {
    fn default() -> Self {
        Profile::truck()
    }
}

/// What a profile makes of one way: its class, the directions allowed, its speed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayRule {
    pub forward: bool,
    pub backward: bool,
    pub speed_kmh: f64,
}

/// Why a highway way is not drivable for a profile (counted in the graph's stats).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closed {
    Class,
    Access,
    Oneway,
    Weight,
    Height,
    Width,
    Length,
}

impl Profile {
    /// A 3-axle waste collection truck: 18 t, 10 t per axle, 3.8 m high, 2.55 m wide, 10 m long,
    /// at most 80 km/h.
    pub fn truck() -> Profile {
        let speeds = [
            ("motorway", 80.0),
            ("motorway_link", 50.0),
            ("trunk", 70.0),
            ("trunk_link", 40.0),
            ("primary", 55.0),
            ("primary_link", 35.0),
            ("secondary", 45.0),
            ("secondary_link", 30.0),
            ("tertiary", 40.0),
            ("tertiary_link", 25.0),
            ("unclassified", 30.0),
            ("residential", 25.0),
            ("living_street", 10.0),
            ("service", 15.0),
        ];
        Profile {
            name: "truck".into(),
            class_speeds_kmh: speeds.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            max_speed_kmh: 80.0,
            hgv: true,
            weight_t: 18.0,
            axle_load_t: 10.0,
            height_m: 3.8,
            width_m: 2.55,
            length_m: 10.0,
            access_tags: true,
            barriers: true,
            turn_restrictions: true,
            motorway_implies_oneway: true,
            area_outlines: false,
            reversible_closed: true,
        }
    }

    /// The road model of the peer tools in `../shared/peers/roads` (car classes, `oneway` and
    /// roundabouts only: no access tags, barriers, dimensions or turn restrictions), so that
    /// our matrices can be checked against theirs exactly.
    pub fn peer_reference() -> Profile {
        let mut p = Profile::truck();
        p.name = "peer-reference".into();
        p.hgv = false;
        p.weight_t = 0.0;
        p.axle_load_t = 0.0;
        p.height_m = 0.0;
        p.width_m = 0.0;
        p.length_m = 0.0;
        p.access_tags = false;
        p.barriers = false;
        p.turn_restrictions = false;
        p.motorway_implies_oneway = false;
        p.area_outlines = true;
        p.reversible_closed = false;
        p.max_speed_kmh = 130.0;
        p
    }

    /// The rule for a `highway=*` way, or why it is closed to this vehicle.
    pub fn way_rule(&self, tags: &Tags) -> Result<WayRule, Closed> {
        let highway = tags.get("highway").unwrap_or("");
        let Some(&class_speed) = self.class_speeds_kmh.get(highway) else {
            return Err(Closed::Class);
        };
        if tags.get("area") == Some("yes") && !self.area_outlines {
            return Err(Closed::Class);
        }
        if self.access_tags {
            if tags.get("impassable") == Some("yes") {
                return Err(Closed::Access);
            }
            if !self.access_allows(tags) {
                return Err(Closed::Access);
            }
        }
        let limit = |key: &str, hgv_key: &str, parse: fn(&str) -> Option<f64>| {
            let hgv = if self.hgv {
                tags.get(hgv_key).and_then(parse)
            } else {
                None
            };
            hgv.or_else(|| tags.get(key).and_then(parse))
        };
        let check =
            |have: f64, allowed: Option<f64>| have > 0.0 && allowed.is_some_and(|a| a < have);
        if check(
            self.weight_t,
            limit("maxweight", "maxweight:hgv", parse_weight_t),
        ) {
            return Err(Closed::Weight);
        }
        if check(
            self.axle_load_t,
            limit("maxaxleload", "maxaxleload:hgv", parse_weight_t),
        ) {
            return Err(Closed::Weight);
        }
        if check(
            self.height_m,
            limit("maxheight", "maxheight:hgv", parse_length_m),
        ) {
            return Err(Closed::Height);
        }
        if check(
            self.width_m,
            limit("maxwidth", "maxwidth:hgv", parse_length_m),
        ) {
            return Err(Closed::Width);
        }
        if check(
            self.length_m,
            limit("maxlength", "maxlength:hgv", parse_length_m),
        ) {
            return Err(Closed::Length);
        }

        let (forward, backward) = self.directions(tags, highway).ok_or(Closed::Oneway)?;
        let tagged = if self.hgv {
            tags.get("maxspeed:hgv").and_then(parse_speed_kmh)
        } else {
            None
        }
        .or_else(|| tags.get("maxspeed").and_then(parse_speed_kmh))
        .or_else(|| {
            let f = tags.get("maxspeed:forward").and_then(parse_speed_kmh);
            let b = tags.get("maxspeed:backward").and_then(parse_speed_kmh);
            match (f, b) {
                (Some(f), Some(b)) => Some(f.min(b)),
                (f, b) => f.or(b),
            }
        });
        let speed_kmh = tagged
            .unwrap_or(class_speed)
            .min(self.max_speed_kmh)
            .max(1.0);
        Ok(WayRule {
            forward,
            backward,
            speed_kmh,
        })
    }

    /// (forward, backward) allowed, or None when the way's direction is unknowable.
    fn directions(&self, tags: &Tags, highway: &str) -> Option<(bool, bool)> {
        match tags.get("oneway").map(str::trim) {
            Some("yes" | "true" | "1") => Some((true, false)),
            Some("-1" | "reverse") => Some((false, true)),
            Some("reversible" | "alternating") if self.reversible_closed => None,
            Some("no" | "false" | "0") => Some((true, true)),
            _ => {
                let roundabout = matches!(tags.get("junction"), Some("roundabout" | "circular"));
                let motorway =
                    self.motorway_implies_oneway && matches!(highway, "motorway" | "motorway_link");
                if roundabout || motorway {
                    Some((true, false))
                } else {
                    Some((true, true))
                }
            }
        }
    }

    /// The most specific access tag decides.
    fn access_allows(&self, tags: &Tags) -> bool {
        let specific = if self.hgv { "hgv" } else { "motorcar" };
        for key in [specific, "motor_vehicle", "vehicle", "access"] {
            if let Some(v) = tags.get(key) {
                return access_value_allows(v);
            }
        }
        true
    }

    /// Whether a node with these tags stops the vehicle (barriers, closed access).
    pub fn node_blocks(&self, tags: &Tags) -> bool {
        if !self.barriers {
            return false;
        }
        let specific = if self.hgv { "hgv" } else { "motorcar" };
        let access = [specific, "motor_vehicle", "vehicle", "access"]
            .iter()
            .find_map(|k| tags.get(k));
        if let Some(a) = access {
            return !access_value_allows(a);
        }
        match tags.get("barrier") {
            None => false,
            Some(
                "gate" | "lift_gate" | "swing_gate" | "toll_booth" | "border_control"
                | "cattle_grid" | "entrance" | "sally_port" | "no" | "checkpoint" | "turnstile_no",
            ) => false,
            Some("height_restrictor") => {
                let h = tags.get("maxheight").and_then(parse_length_m);
                self.height_m > 0.0 && h.is_some_and(|h| h < self.height_m)
            }
            Some(_) => true,
        }
    }

    /// Whether a turn restriction with these tags binds this vehicle; returns its kind
    /// (`no_left_turn`, `only_straight_on`, ...).
    pub fn restriction_kind<'t>(&self, tags: &'t Tags) -> Option<&'t str> {
        if !self.turn_restrictions {
            return None;
        }
        let vehicle = if self.hgv { "hgv" } else { "motorcar" };
        if let Some(except) = tags.get("except")
            && except
                .split(';')
                .map(str::trim)
                .any(|e| e == vehicle || e == "motor_vehicle")
        {
            return None;
        }
        let own = format!("restriction:{vehicle}");
        let kind = tags.get(&own).or_else(|| tags.get("restriction"))?;
        (kind.starts_with("no_") || kind.starts_with("only_")).then_some(kind)
    }
}

fn access_value_allows(v: &str) -> bool {
    !matches!(
        v.split(';').next().unwrap_or("").trim(),
        "no" | "private"
            | "agricultural"
            | "forestry"
            | "emergency"
            | "military"
            | "psv"
            | "bus"
            | "disabled"
            | "use_sidepath"
    )
}

/// Parses a `maxspeed` value to km/h: `50`, `50 km/h`, `30 mph`, `10 knots`, `walk`, `IT:urban`,
/// `50;30` (the lowest). `none`, `signals`, `variable` give None (use the class default).
pub fn parse_speed_kmh(v: &str) -> Option<f64> {
    let parts = v.split(';').filter_map(|p| parse_one_speed(p.trim()));
    parts.reduce(f64::min)
}

fn parse_one_speed(v: &str) -> Option<f64> {
    let lower = v.to_ascii_lowercase();
    if lower == "walk" {
        return Some(6.0);
    }
    if let Some((_, zone)) = lower.split_once(':') {
        return match zone {
            "urban" | "zone50" => Some(50.0),
            "rural" => Some(90.0),
            "trunk" | "motorroad" | "expressway" => Some(100.0),
            "motorway" => Some(120.0),
            "living_street" | "pedestrian_zone" => Some(15.0),
            "bicycle_road" | "zone30" | "zone:30" => Some(30.0),
            z => z
                .strip_prefix("zone")
                .and_then(|n| n.trim_start_matches(':').parse().ok()),
        };
    }
    let (num, factor) = if let Some(n) = lower.strip_suffix("mph") {
        (n, 1.609_344)
    } else if let Some(n) = lower.strip_suffix("knots") {
        (n, 1.852)
    } else if let Some(n) = lower
        .strip_suffix("km/h")
        .or_else(|| lower.strip_suffix("kmh"))
    {
        (n, 1.0)
    } else if let Some(n) = lower.strip_suffix("kph") {
        (n, 1.0)
    } else {
        (lower.as_str(), 1.0)
    };
    let x: f64 = num.trim().parse().ok()?;
    (x.is_finite() && x > 0.0).then_some(x * factor)
}

/// Parses a weight to tonnes: `7.5`, `7.5 t`, `7500 kg`, `16000 lbs`, `3 st` (short tons).
pub fn parse_weight_t(v: &str) -> Option<f64> {
    let lower = v.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = lower.strip_suffix("kg") {
        (n, 0.001)
    } else if let Some(n) = lower
        .strip_suffix("lbs")
        .or_else(|| lower.strip_suffix("lb"))
    {
        (n, 0.000_453_592_37)
    } else if let Some(n) = lower.strip_suffix("st") {
        (n, 0.907_184_74)
    } else if let Some(n) = lower.strip_suffix('t') {
        (n, 1.0)
    } else {
        (lower.as_str(), 1.0)
    };
    let x: f64 = num.trim().replace(',', ".").parse().ok()?;
    (x.is_finite() && x > 0.0).then_some(x * factor)
}

/// Parses a length to metres: `3.5`, `3.5 m`, `350 cm`, `12'6"`, `12 ft`, `11'`.
pub fn parse_length_m(v: &str) -> Option<f64> {
    let lower = v.trim().to_ascii_lowercase();
    if let Some((feet, rest)) = lower.split_once('\'') {
        let f: f64 = feet.trim().parse().ok()?;
        let inches = rest.trim().trim_end_matches('"').trim();
        let i: f64 = if inches.is_empty() {
            0.0
        } else {
            inches.parse().ok()?
        };
        let m = f * 0.3048 + i * 0.0254;
        return (m > 0.0).then_some(m);
    }
    let (num, factor) = if let Some(n) = lower.strip_suffix("cm") {
        (n, 0.01)
    } else if let Some(n) = lower.strip_suffix("ft") {
        (n, 0.3048)
    } else if let Some(n) = lower.strip_suffix('m') {
        (n, 1.0)
    } else {
        (lower.as_str(), 1.0)
    };
    let x: f64 = num.trim().replace(',', ".").parse().ok()?;
    (x.is_finite() && x > 0.0).then_some(x * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(kv: &[(&str, &str)]) -> Tags {
        Tags(kv.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect())
    }

    #[test]
    fn parses_speeds_in_all_usual_forms() {
        assert_eq!(parse_speed_kmh("50"), Some(50.0));
        assert_eq!(parse_speed_kmh("50 km/h"), Some(50.0));
        assert!((parse_speed_kmh("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(parse_speed_kmh("IT:urban"), Some(50.0));
        assert_eq!(parse_speed_kmh("DE:rural"), Some(90.0));
        assert_eq!(parse_speed_kmh("RU:zone30"), Some(30.0));
        assert_eq!(parse_speed_kmh("60;40"), Some(40.0));
        assert_eq!(parse_speed_kmh("walk"), Some(6.0));
        assert_eq!(parse_speed_kmh("none"), None);
        assert_eq!(parse_speed_kmh("signals"), None);
    }

    #[test]
    fn parses_weights_and_lengths() {
        assert_eq!(parse_weight_t("7.5"), Some(7.5));
        assert_eq!(parse_weight_t("3.5 t"), Some(3.5));
        assert_eq!(parse_weight_t("7500 kg"), Some(7.5));
        assert_eq!(parse_weight_t("none"), None);
        assert_eq!(parse_length_m("3.5 m"), Some(3.5));
        assert_eq!(parse_length_m("3,2"), Some(3.2));
        assert!((parse_length_m("12'6\"").unwrap() - 3.81).abs() < 1e-9);
        assert_eq!(parse_length_m("default"), None);
    }

    #[test]
    fn truck_profile_closes_and_orients_roads() {
        let p = Profile::truck();
        let ok = |kv: &[(&str, &str)]| p.way_rule(&tags(kv));
        assert_eq!(ok(&[("highway", "footway")]), Err(Closed::Class));
        assert_eq!(
            ok(&[("highway", "residential"), ("hgv", "no")]),
            Err(Closed::Access)
        );
        assert_eq!(
            ok(&[("highway", "residential"), ("access", "private")]),
            Err(Closed::Access)
        );
        // The most specific tag wins: hgv=destination opens a road closed to vehicles.
        assert!(
            ok(&[
                ("highway", "residential"),
                ("vehicle", "no"),
                ("hgv", "destination")
            ])
            .is_ok()
        );
        assert_eq!(
            ok(&[("highway", "primary"), ("maxweight", "7.5")]),
            Err(Closed::Weight)
        );
        assert!(ok(&[("highway", "primary"), ("maxweight", "40")]).is_ok());
        assert_eq!(
            ok(&[("highway", "primary"), ("maxheight", "3.2")]),
            Err(Closed::Height)
        );
        let r = ok(&[("highway", "primary"), ("oneway", "-1")]).unwrap();
        assert_eq!((r.forward, r.backward), (false, true));
        let r = ok(&[("highway", "tertiary"), ("junction", "roundabout")]).unwrap();
        assert_eq!((r.forward, r.backward), (true, false));
        let r = ok(&[("highway", "motorway")]).unwrap();
        assert_eq!((r.forward, r.backward, r.speed_kmh), (true, false, 80.0));
        let r = ok(&[
            ("highway", "primary"),
            ("maxspeed", "110"),
            ("maxspeed:hgv", "70"),
        ])
        .unwrap();
        assert_eq!(r.speed_kmh, 70.0);
        assert_eq!(
            ok(&[("highway", "primary"), ("oneway", "reversible")]),
            Err(Closed::Oneway)
        );
    }

    #[test]
    fn barriers_block_unless_gate_like_or_opened() {
        let p = Profile::truck();
        assert!(p.node_blocks(&tags(&[("barrier", "bollard")])));
        assert!(!p.node_blocks(&tags(&[("barrier", "gate")])));
        assert!(!p.node_blocks(&tags(&[("barrier", "bollard"), ("hgv", "yes")])));
        assert!(p.node_blocks(&tags(&[("barrier", "gate"), ("access", "private")])));
        assert!(p.node_blocks(&tags(&[
            ("barrier", "height_restrictor"),
            ("maxheight", "3")
        ])));
        assert!(!Profile::peer_reference().node_blocks(&tags(&[("barrier", "bollard")])));
    }

    #[test]
    fn restrictions_bind_unless_excepted() {
        let p = Profile::truck();
        let t = tags(&[("type", "restriction"), ("restriction", "no_left_turn")]);
        assert_eq!(p.restriction_kind(&t), Some("no_left_turn"));
        let t = tags(&[("restriction", "no_left_turn"), ("except", "hgv;bicycle")]);
        assert_eq!(p.restriction_kind(&t), None);
        let t = tags(&[("restriction:hgv", "only_straight_on")]);
        assert_eq!(p.restriction_kind(&t), Some("only_straight_on"));
    }
}
