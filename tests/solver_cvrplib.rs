//! CVRPLIB reading under each set's convention, proven on the published best-known solutions;
//! the `bench cvrp` command as a user runs it; and a file with a missing section.

mod common;

use std::path::Path;
use std::process::Command;

use wasteroute::bench::cvrplib::{self, Rounding};
use wasteroute::solver;

/// Every shared CVRP instance's best-known `.sol` recomputes to its `bks.csv` cost, so distance
/// conventions (nint, unrounded, explicit LOWER_ROW) and customer numbering are right.
#[test]
fn solver_bks_solutions_recompute_to_bks_costs() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let bks = cvrplib::read_bks(&dir.join("benchmarks/bks.csv")).unwrap();
    let mut n = 0;
    for set in ["cvrp_classic", "cvrp_x"] {
        for e in std::fs::read_dir(dir.join("benchmarks").join(set)).unwrap() {
            let path = e.unwrap().path();
            if path.extension().is_none_or(|x| x != "vrp") {
                continue;
            }
            let inst = cvrplib::read(&path, Rounding::Auto).unwrap();
            let stem = path.file_stem().unwrap().to_str().unwrap();
            let routes = cvrplib::read_sol(&path.with_extension("sol"), &inst).unwrap();
            let cost = inst.cost(&routes);
            let want = bks[stem];
            assert!(
                (cost - want).abs() <= 1e-6 * want + 0.006,
                "{stem}: {cost} vs {want}"
            );
            // And our checker accepts it as a plan of the problem we build from the file.
            let mut seen = vec![false; inst.demand.len()];
            for r in &routes {
                let load: i64 = r.iter().map(|&v| inst.demand[v]).sum();
                assert!(load <= inst.capacity, "{stem}: route over capacity");
                for &v in r {
                    assert!(!std::mem::replace(&mut seen[v], true), "{stem}: {v} twice");
                }
            }
            n += 1;
        }
    }
    assert_eq!(n, 31);
}

#[test]
fn solver_reaches_optimum_on_small_classic_instances() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    for (name, opt) in [
        ("E-n13-k4", 247.0),
        ("P-n16-k8", 450.0),
        ("A-n32-k5", 784.0),
        ("CMT6", 555.43),
    ] {
        let inst = cvrplib::read(
            &dir.join(format!("benchmarks/cvrp_classic/{name}.vrp")),
            Rounding::Auto,
        )
        .unwrap();
        let (p, t) = inst.to_problem().unwrap();
        let cfg = solver::SolveConfig {
            max_iterations: Some(1500),
            time_limit: None,
            ..Default::default()
        };
        let out = solver::solve(&p, &t, &cfg).unwrap();
        solver::check(&p, &t, &out.solution).unwrap();
        let cost = inst.cost(&inst.routes_of(&out.solution));
        assert!((cost - opt).abs() < 0.006, "{name}: {cost} vs {opt}");
    }
}

#[test]
fn solver_missing_section_is_an_error_naming_it() {
    let text = "NAME : t\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\nDEPOT_SECTION\n1\n-1\nEOF\n";
    let e = cvrplib::parse(Path::new("t.vrp"), text, Rounding::Auto)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("t.vrp") && e.contains("missing DEMAND_SECTION"),
        "{e}"
    );
    let text = text.replace(
        "NODE_COORD_SECTION\n1 0 0\n2 1 1\n3 2 2\n",
        "DEMAND_SECTION\n1 0\n2 1\n3 1\n",
    );
    let e = cvrplib::parse(Path::new("t.vrp"), &text, Rounding::Auto)
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing NODE_COORD_SECTION"), "{e}");
    let e = cvrplib::parse(
        Path::new("t.vrp"),
        "NAME : t\nDIMENSION : 3\n",
        Rounding::Auto,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("missing CAPACITY"), "{e}");
}

#[test]
fn solver_explicit_lower_row_matrix_is_read() {
    let text = "NAME : m\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\nCAPACITY : 5\nEDGE_WEIGHT_SECTION\n 4\n 7 3\nDEMAND_SECTION\n1 0\n2 2\n3 2\nDEPOT_SECTION\n1\n-1\nEOF\n";
    let inst = cvrplib::parse(Path::new("m.vrp"), text, Rounding::Auto).unwrap();
    assert_eq!(inst.dist, vec![0.0, 4.0, 7.0, 4.0, 0.0, 3.0, 7.0, 3.0, 0.0]);
    assert_eq!(inst.cost(&[vec![1, 2]]), 14.0);
}

#[test]
fn solver_bench_cvrp_command_prints_table_and_writes_sol_files() {
    let Some(dir) = common::shared_dir() else {
        return;
    };
    let out_dir = tempfile::tempdir().unwrap();
    let files =
        ["P-n16-k8", "E-n13-k4"].map(|n| dir.join(format!("benchmarks/cvrp_classic/{n}.vrp")));
    let out = Command::new(env!("CARGO_BIN_EXE_wasteroute"))
        .args(["bench", "cvrp"])
        .args(&files)
        .args([
            "--iterations",
            "300",
            "--seed",
            "3",
            "--threads",
            "2",
            "--sol-dir",
        ])
        .arg(out_dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("| instance | n | cost | routes | gap % | seconds |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| P-n16-k8 | 15 | 450 | 8 | 0.00 |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("mean gap: 0.00 % over 2 instance(s)"),
        "{stdout}"
    );
    let sol = std::fs::read_to_string(out_dir.path().join("P-n16-k8.sol")).unwrap();
    assert!(
        sol.starts_with("Route #1: ") && sol.ends_with("Cost 450\n"),
        "{sol}"
    );
    // Read back by the same reader that reads the published solutions.
    let inst = cvrplib::read(&files[0], Rounding::Auto).unwrap();
    let routes = cvrplib::read_sol(&out_dir.path().join("P-n16-k8.sol"), &inst).unwrap();
    assert_eq!(inst.cost(&routes), 450.0);
}

#[test]
fn solver_bench_cvrp_reports_a_bad_file_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("broken.vrp");
    std::fs::write(&f, "NAME : broken\nDIMENSION : 3\nCAPACITY : 10\nEOF\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wasteroute"))
        .args(["bench", "cvrp"])
        .arg(&f)
        .args(["--iterations", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.vrp") && err.contains("missing DEMAND_SECTION"),
        "{err}"
    );
}
