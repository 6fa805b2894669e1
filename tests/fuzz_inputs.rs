//! Fuzzing of every reader of user files, bounded in time so that it runs in CI: byte and line
//! mutations (flip, insert, delete, duplicate, splice, numbers replaced by edge values) of the
//! real inputs in `tests/corpus/<reader>/`, driven by proptest (no nightly toolchain for
//! `cargo fuzz` here).
//!
//! The property, for the PBF reader, the scenario TOML and parks CSV readers, the benchmark
//! readers (CVRPLIB, Solomon / VRPLIB time windows, Kim) and `render`'s plan reader: no panic,
//! no hang (each case has a deadline, inputs are bounded in size), and either a value or an
//! error whose message is not empty.
//!
//! The PBF reader is also given maps generated through the project's own writer from odd but
//! well-formed data (`fuzz_pbf_reader_with_generated_maps`), which reach past the compression
//! that byte mutation rarely gets through; the maps' truck graphs are built too.
//!
//! An input that fails is written to `tests/corpus/<reader>/regressions/` (its path is printed)
//! and must be committed: `replays_every_corpus_file` reads every file of the corpus, those
//! included, on every run.
//!
//! Cases per reader: `WASTEROUTE_FUZZ_CASES` (default 2000: the whole file runs in 5 to 20 s
//! in release on 2 cores). A long local run: `WASTEROUTE_FUZZ_CASES=20000 cargo test
//! --release --test fuzz_inputs`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use wasteroute::bench::{cvrplib, kim, vrptw};
use wasteroute::osm::{self, LoadOptions};
use wasteroute::output::{self, OutputOptions};
use wasteroute::scenario;

/// One reader under test: its corpus folder, the file name an input is written as, and how to
/// read it (`Err` carries the error's message).
struct Reader {
    name: &'static str,
    file_name: &'static str,
    read: fn(&Path) -> Result<(), String>,
}

const READERS: &[Reader] = &[
    Reader {
        name: "pbf",
        file_name: "map.osm.pbf",
        read: read_pbf,
    },
    Reader {
        name: "scenario",
        file_name: "scenario.toml",
        read: read_scenario_toml,
    },
    Reader {
        name: "parks",
        file_name: "parks.csv",
        read: read_parks_csv,
    },
    Reader {
        name: "cvrplib",
        file_name: "instance.vrp",
        read: read_cvrplib,
    },
    Reader {
        name: "vrptw",
        file_name: "instance.txt",
        read: read_vrptw,
    },
    Reader {
        name: "kim",
        file_name: "instance_stop.txt",
        read: read_kim,
    },
    Reader {
        name: "plan",
        file_name: "plan.json",
        read: read_plan,
    },
];

/// Longest a reader may take on one input. Far above what any of them needs on these sizes
/// (milliseconds), so only a real hang trips it, even on a loaded CI machine.
const DEADLINE: Duration = Duration::from_secs(30);

fn err_text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The map loaded, and its truck graph built (what every command does next).
fn read_pbf(path: &Path) -> Result<(), String> {
    let data = osm::load(path, &LoadOptions::default()).map_err(err_text)?;
    wasteroute::network::RoadGraph::build(&data, &wasteroute::osm::Profile::truck())
        .map(|_| ())
        .map_err(err_text)
}

/// The scenario TOML under test beside the corpus parks file and an empty map file (the
/// scenario reader only checks that the map is a file).
fn read_scenario_toml(path: &Path) -> Result<(), String> {
    let dir = path.parent().ok_or("no folder")?;
    std::fs::copy(corpus_dir("parks").join("parks.csv"), dir.join("parks.csv"))
        .map_err(err_text)?;
    std::fs::write(dir.join("cixi-demo.osm.pbf"), b"").map_err(err_text)?;
    scenario::load(path).map(|_| ()).map_err(err_text)
}

/// The parks CSV under test, read by the corpus scenario.
fn read_parks_csv(path: &Path) -> Result<(), String> {
    let dir = path.parent().ok_or("no folder")?;
    let toml = dir.join("scenario.toml");
    std::fs::copy(corpus_dir("scenario").join("scenario.toml"), &toml).map_err(err_text)?;
    std::fs::write(dir.join("cixi-demo.osm.pbf"), b"").map_err(err_text)?;
    scenario::load(&toml).map(|_| ()).map_err(err_text)
}

fn read_cvrplib(path: &Path) -> Result<(), String> {
    let inst = cvrplib::read(path, cvrplib::Rounding::Auto).map_err(err_text)?;
    inst.to_problem().map(|_| ()).map_err(err_text)
}

fn read_vrptw(path: &Path) -> Result<(), String> {
    let inst = vrptw::read(path).map_err(err_text)?;
    inst.to_problem().map(|_| ()).map_err(err_text)
}

fn read_kim(path: &Path) -> Result<(), String> {
    let inst = kim::read(path).map_err(err_text)?;
    inst.to_problem().map(|_| ()).map_err(err_text)
}

/// What `render` does with a plan before drawing: read and check it, its KPIs, its area, and
/// every output file but the maps (drawn maps take a second a case; they read the same data).
fn read_plan(path: &Path) -> Result<(), String> {
    let plan = output::read_plan(path).map_err(err_text)?;
    let _ = plan.kpi();
    let _ = output::plan_area(&plan, 2000.0);
    let out = path.with_file_name("out");
    let opts = OutputOptions {
        maps: false,
        png: false,
        svg: false,
        ..OutputOptions::default()
    };
    output::write_all(&plan, None, &out, &opts)
        .map(|_| ())
        .map_err(err_text)
}

fn corpus_dir(reader: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(reader)
}

/// The files of a corpus folder (not its subfolders), sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

fn seeds(reader: &Reader) -> Vec<Vec<u8>> {
    let files = files_in(&corpus_dir(reader.name));
    assert!(
        !files.is_empty(),
        "no seed files in {}",
        corpus_dir(reader.name).display()
    );
    files
        .iter()
        .map(|f| std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display())))
        .collect()
}

/// Runs `reader` on `input` in a thread of its own, with a deadline. `Err` says what went wrong
/// (panic, hang or an empty error message); the caller saves the input.
fn check(reader: &Reader, input: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(err_text)?;
    let path = dir.path().join(reader.file_name);
    std::fs::write(&path, input).map_err(err_text)?;
    let read = reader.read;
    let (tx, rx) = mpsc::channel();
    let p = path.clone();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| read(&p));
        let _ = tx.send(outcome);
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(Ok(()))) => Ok(()),
        Ok(Ok(Err(msg))) if msg.trim().is_empty() => Err("an error with an empty message".into()),
        Ok(Ok(Err(_))) => Ok(()),
        Ok(Err(panic)) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {msg}"))
        }
        Err(_) => {
            // The thread is left running (it cannot be stopped); the test fails now.
            std::mem::forget(dir);
            Err(format!("no answer in {} s (a hang)", DEADLINE.as_secs()))
        }
    }
}

/// Saves a failing input into the reader's regressions folder; returns its path.
fn save_regression(reader: &Reader, input: &[u8]) -> PathBuf {
    let dir = corpus_dir(reader.name).join("regressions");
    let _ = std::fs::create_dir_all(&dir);
    // FNV-1a: a stable name, so the same input is saved once.
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let path = dir.join(format!("{hash:016x}-{}", reader.file_name));
    if let Err(e) = std::fs::write(&path, input) {
        eprintln!(
            "could not save the failing input to {}: {e}",
            path.display()
        );
    }
    path
}

/// Values that break naive number and field handling.
const TOKENS: &[&str] = &[
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e308",
    "-1e308",
    "1e-320",
    "4e9",
    "18446744073709551616",
    "9223372036854775807",
    "99999999999",
    "",
    " ",
    "\n",
    "\r\n",
    "\t",
    ",",
    ";",
    ":",
    "\"",
    "'",
    "=",
    "[",
    "]",
    "{",
    "}",
    "#",
    "0x10",
    "1_000",
    "24:00",
    "25:99",
    "Wedd",
    "\u{0}",
    "é",
    "\u{feff}",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    SetByte(Index, u8),
    Insert(Index, Vec<u8>),
    Token(Index, usize),
    /// The number at or after a position (digits, sign, dot, exponent) replaced by a token.
    Number(Index, usize),
    Delete(Index, u8),
    Duplicate(Index, u8, Index),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// A piece of another seed of the same reader.
    Splice(Index, Index, Index, u8),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::SetByte(i, b)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<Index>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Token(i, t)),
        (any::<Index>(), 0..TOKENS.len()).prop_map(|(i, t)| Mutation::Number(i, t)),
        (any::<Index>(), 1u8..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), 1u8..64, any::<Index>())
            .prop_map(|(i, n, j)| Mutation::Duplicate(i, n, j)),
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<Index>(), any::<Index>(), any::<Index>(), 1u8..200)
            .prop_map(|(s, a, b, n)| Mutation::Splice(s, a, b, n)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

/// Line start offsets (and the end) of `v`.
fn line_bounds(v: &[u8]) -> Vec<usize> {
    let mut b = vec![0];
    b.extend(
        v.iter()
            .enumerate()
            .filter(|(_, c)| **c == b'\n')
            .map(|(i, _)| i + 1),
    );
    if *b.last().unwrap_or(&0) != v.len() {
        b.push(v.len());
    }
    b
}

fn apply(v: &mut Vec<u8>, m: &Mutation, seeds: &[Vec<u8>]) {
    let pos = |i: &Index, v: &Vec<u8>| i.index(v.len() + 1);
    match m {
        Mutation::Flip(i, bit) if !v.is_empty() => {
            let p = i.index(v.len());
            v[p] ^= 1 << bit;
        }
        Mutation::SetByte(i, b) if !v.is_empty() => {
            let p = i.index(v.len());
            v[p] = *b;
        }
        Mutation::Insert(i, bytes) => {
            let p = pos(i, v);
            v.splice(p..p, bytes.iter().copied());
        }
        Mutation::Token(i, t) => {
            let p = pos(i, v);
            v.splice(p..p, TOKENS[*t].bytes());
        }
        Mutation::Number(i, t) => {
            let p = pos(i, v);
            let is_num = |c: u8| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'+' | b'e');
            if let Some(start) = (p..v.len()).find(|&k| v[k].is_ascii_digit()) {
                let mut a = start;
                while a > 0 && is_num(v[a - 1]) {
                    a -= 1;
                }
                let mut b = start;
                while b < v.len() && is_num(v[b]) {
                    b += 1;
                }
                v.splice(a..b, TOKENS[*t].bytes());
            }
        }
        Mutation::Delete(i, n) if !v.is_empty() => {
            let p = i.index(v.len());
            let end = (p + *n as usize).min(v.len());
            v.drain(p..end);
        }
        Mutation::Duplicate(i, n, j) if !v.is_empty() => {
            let p = i.index(v.len());
            let end = (p + *n as usize).min(v.len());
            let piece: Vec<u8> = v[p..end].to_vec();
            let q = pos(j, v);
            v.splice(q..q, piece);
        }
        Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
            let b = line_bounds(v);
            if b.len() >= 2 {
                let k = i.index(b.len() - 1);
                let (s, e) = (b[k], b[k + 1]);
                if matches!(m, Mutation::DeleteLine(_)) {
                    v.drain(s..e);
                } else {
                    let line: Vec<u8> = v[s..e].to_vec();
                    v.splice(e..e, line);
                }
            }
        }
        Mutation::SwapLines(x, y) => {
            let b = line_bounds(v);
            if b.len() >= 3 {
                let (mut k1, mut k2) = (x.index(b.len() - 1), y.index(b.len() - 1));
                if k1 > k2 {
                    std::mem::swap(&mut k1, &mut k2);
                }
                if k1 != k2 {
                    let l1 = v[b[k1]..b[k1 + 1]].to_vec();
                    let l2 = v[b[k2]..b[k2 + 1]].to_vec();
                    let mut out = v[..b[k1]].to_vec();
                    out.extend_from_slice(&l2);
                    out.extend_from_slice(&v[b[k1 + 1]..b[k2]]);
                    out.extend_from_slice(&l1);
                    out.extend_from_slice(&v[b[k2 + 1]..]);
                    *v = out;
                }
            }
        }
        Mutation::Splice(s, a, b, n) => {
            let other = &seeds[s.index(seeds.len())];
            if !other.is_empty() {
                let p = a.index(other.len());
                let end = (p + *n as usize).min(other.len());
                let q = pos(b, v);
                v.splice(q..q, other[p..end].iter().copied());
            }
        }
        Mutation::Truncate(i) => {
            let p = pos(i, v);
            v.truncate(p);
        }
        _ => {}
    }
}

fn cases() -> u32 {
    std::env::var("WASTEROUTE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

/// Mutates the reader's seeds `cases()` times; the first failing input is saved and fails
/// the test.
fn fuzz(reader: &Reader) {
    let seeds = seeds(reader);
    let max_len = seeds.iter().map(Vec::len).max().unwrap_or(0) * 2 + 4096;
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        // A failing input is saved as found; shrinking would re-run the reader on thousands
        // of variants of it.
        max_shrink_iters: 0,
        ..Config::default()
    });
    let strategy = (any::<Index>(), prop::collection::vec(mutation(), 1..6));
    let result = runner.run(&strategy, |(seed, mutations)| {
        let mut input = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            apply(&mut input, m, &seeds);
        }
        input.truncate(max_len);
        match check(reader, &input) {
            Ok(()) => Ok(()),
            Err(why) => {
                let saved = save_regression(reader, &input);
                Err(TestCaseError::fail(format!(
                    "{} reader {why}; the input is saved as {} (commit it: it is replayed on every run)",
                    reader.name,
                    saved.display()
                )))
            }
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn reader(name: &str) -> &'static Reader {
    READERS
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no reader {name}"))
}

#[test]
fn replays_every_corpus_file() {
    let mut failures = Vec::new();
    let mut count = 0;
    for r in READERS {
        let base = corpus_dir(r.name);
        for file in files_in(&base)
            .into_iter()
            .chain(files_in(&base.join("regressions")))
        {
            count += 1;
            let input = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            if let Err(why) = check(r, &input) {
                failures.push(format!("{}: {why}", file.display()));
            }
        }
    }
    assert!(count >= READERS.len(), "the corpus is missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_seed_files_are_read_without_error() {
    // Mutations start from valid inputs, so that they reach past the first line.
    for r in READERS {
        if r.name == "scenario" || r.name == "parks" {
            continue; // read together, below
        }
        for file in files_in(&corpus_dir(r.name)) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join(r.file_name);
            std::fs::copy(&file, &path).unwrap();
            if let Err(e) = (r.read)(&path) {
                panic!("seed {}: {e}", file.display());
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.toml");
    std::fs::copy(corpus_dir("scenario").join("scenario.toml"), &path).unwrap();
    read_scenario_toml(&path).unwrap_or_else(|e| panic!("seed scenario: {e}"));
}

#[test]
fn fuzz_pbf_reader() {
    fuzz(reader("pbf"));
}

#[test]
fn fuzz_scenario_toml_reader() {
    fuzz(reader("scenario"));
}

#[test]
fn fuzz_parks_csv_reader() {
    fuzz(reader("parks"));
}

#[test]
fn fuzz_cvrplib_reader() {
    fuzz(reader("cvrplib"));
}

#[test]
fn fuzz_vrptw_reader() {
    fuzz(reader("vrptw"));
}

#[test]
fn fuzz_kim_reader() {
    fuzz(reader("kim"));
}

#[test]
fn fuzz_plan_reader() {
    fuzz(reader("plan"));
}

/// Writes the PBF seed (a few streets of Cixi with the tags the reader keeps: oneway, hgv,
/// maxweight, a barrier and a turn restriction). Run by hand when the writer changes:
/// `cargo test --release --test fuzz_inputs -- --ignored writes_the_pbf_seed`.
#[test]
#[ignore]
fn writes_the_pbf_seed() {
    use wasteroute::osm::MemberKind;
    use wasteroute::osm::write::PbfWriter;
    let path = corpus_dir("pbf").join("streets.osm.pbf");
    let mut w =
        PbfWriter::create(&path, osm::Bbox::new(121.24, 30.16, 121.27, 30.19).ok()).unwrap();
    let nodes = [
        (1, 121.250, 30.170),
        (2, 121.2531, 30.170),
        (3, 121.2531, 30.171),
        (4, 121.250, 30.171),
        (5, 121.256, 30.170),
        (6, 121.256, 30.175),
    ];
    for (id, lon, lat) in nodes {
        let tags: &[(&str, &str)] = if id == 6 {
            &[("barrier", "bollard")]
        } else {
            &[]
        };
        w.node(id, lon, lat, tags).unwrap();
    }
    w.way(
        10,
        &[1, 2],
        &[("highway", "tertiary"), ("oneway", "yes"), ("name", "东路")],
    )
    .unwrap();
    w.way(11, &[2, 3, 4, 1], &[("highway", "residential")])
        .unwrap();
    w.way(
        12,
        &[2, 5, 6],
        &[
            ("highway", "secondary"),
            ("maxweight", "10"),
            ("hgv", "yes"),
        ],
    )
    .unwrap();
    w.relation(
        20,
        &[
            (MemberKind::Way, 10, "from"),
            (MemberKind::Node, 2, "via"),
            (MemberKind::Way, 12, "to"),
        ],
        &[("type", "restriction"), ("restriction", "no_left_turn")],
    )
    .unwrap();
    w.finish().unwrap();
    // The same map with uncompressed blobs: byte mutations of it reach the protobuf structure
    // and the reader's own code instead of failing at decompression.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(
        corpus_dir("pbf").join("streets-raw.osm.pbf"),
        uncompressed(&bytes),
    )
    .unwrap();
}

/// A protobuf varint at `*i`.
fn read_varint(b: &[u8], i: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = b[*i];
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
}

fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// The fields of a protobuf message: (field number, varint value or bytes).
fn fields(b: &[u8]) -> Vec<(u64, u64, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let key = read_varint(b, &mut i);
        match key & 7 {
            0 => out.push((key >> 3, read_varint(b, &mut i), &b[0..0])),
            2 => {
                let len = read_varint(b, &mut i) as usize;
                out.push((key >> 3, 0, &b[i..i + len]));
                i += len;
            }
            other => panic!("wire type {other} not written by PbfWriter"),
        }
    }
    out
}

/// A PBF written by `PbfWriter` (zlib blobs) rewritten with raw blobs (`Blob.raw`, field 1).
fn uncompressed(pbf: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= pbf.len() {
        let hlen = u32::from_be_bytes([pbf[i], pbf[i + 1], pbf[i + 2], pbf[i + 3]]) as usize;
        i += 4;
        let header = fields(&pbf[i..i + hlen]);
        i += hlen;
        let kind = header.iter().find(|f| f.0 == 1).unwrap().2;
        let datasize = header.iter().find(|f| f.0 == 3).unwrap().1 as usize;
        let blob = fields(&pbf[i..i + datasize]);
        i += datasize;
        let zlib = blob.iter().find(|f| f.0 == 3).unwrap().2;
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(zlib)
            .read_to_end(&mut raw)
            .unwrap();
        let mut new_blob = vec![0x0a];
        write_varint(&mut new_blob, raw.len() as u64);
        new_blob.extend_from_slice(&raw);
        let mut new_header = vec![0x0a];
        write_varint(&mut new_header, kind.len() as u64);
        new_header.extend_from_slice(kind);
        new_header.push(0x18);
        write_varint(&mut new_header, new_blob.len() as u64);
        out.extend_from_slice(&(new_header.len() as u32).to_be_bytes());
        out.extend_from_slice(&new_header);
        out.extend_from_slice(&new_blob);
    }
    out
}

/// One element of a generated map, in file order.
#[derive(Debug, Clone)]
enum Element {
    Node(i64, f64, f64, Vec<(&'static str, &'static str)>),
    Way(i64, Vec<i64>, Vec<(&'static str, &'static str)>),
    Relation(
        i64,
        Vec<(u8, i64, &'static str)>,
        Vec<(&'static str, &'static str)>,
    ),
}

/// Tags the reader and the truck profile look at, with odd values among the usual ones.
const TAGS: &[(&str, &str)] = &[
    ("highway", "residential"),
    ("highway", "primary"),
    ("highway", "motorway_link"),
    ("highway", "footway"),
    ("highway", ""),
    ("oneway", "yes"),
    ("oneway", "-1"),
    ("oneway", "reversible"),
    ("junction", "roundabout"),
    ("maxspeed", "50"),
    ("maxspeed", "nan"),
    ("maxspeed", "-30 mph"),
    ("maxspeed", "1e308"),
    ("maxweight", "10"),
    ("maxweight", "inf t"),
    ("maxheight", "3'6\""),
    ("maxheight", "-1"),
    ("hgv", "no"),
    ("access", "private"),
    ("barrier", "bollard"),
    ("barrier", "gate"),
    ("type", "restriction"),
    ("restriction", "no_left_turn"),
    ("restriction", "only_straight_on"),
    ("name", "东路"),
    ("area", "yes"),
];

fn tags() -> impl Strategy<Value = Vec<(&'static str, &'static str)>> {
    prop::collection::vec(prop::sample::select(TAGS), 0..4)
}

fn coordinate(centre: f64, limit: f64) -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => (centre - 0.01)..(centre + 0.01),
        1 => Just(limit),
        1 => Just(-limit),
        1 => Just(0.0),
    ]
}

fn element() -> impl Strategy<Value = Element> {
    let id = -3i64..40;
    prop_oneof![
        4 => (id.clone(), coordinate(121.25, 180.0), coordinate(30.17, 90.0), tags())
            .prop_map(|(i, lon, lat, t)| Element::Node(i, lon, lat, t)),
        3 => (id.clone(), prop::collection::vec(-3i64..40, 0..8), tags())
            .prop_map(|(i, refs, t)| Element::Way(i, refs, t)),
        1 => (
            id.clone(),
            prop::collection::vec(
                (0u8..3, -3i64..40, prop::sample::select(&["from", "via", "to", ""][..])),
                0..4
            ),
            tags()
        )
            .prop_map(|(i, m, t)| Element::Relation(i, m, t)),
    ]
}

/// Maps written by the project's own PBF writer from odd but well-formed data (missing and
/// duplicate ids, ways of 0 or 1 node, nodes at the poles and the antimeridian, restrictions
/// with missing members, nonsense tag values), loaded with and without a bbox, and their
/// truck graph built: what a real extract can hold, which byte mutation of a compressed file
/// rarely reaches.
#[test]
fn fuzz_pbf_reader_with_generated_maps() {
    use wasteroute::network::RoadGraph;
    use wasteroute::osm::write::PbfWriter;
    use wasteroute::osm::{Bbox, MemberKind, Profile};
    let mut runner = TestRunner::new(Config {
        cases: cases() / 4,
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    });
    let strategy = (
        prop::collection::vec(element(), 0..40),
        prop::option::of(Just((121.245, 30.165, 121.255, 30.175))),
    );
    let result = runner.run(&strategy, |(elements, bbox)| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("generated.osm.pbf");
        let mut w = PbfWriter::create(&path, None).unwrap();
        for e in &elements {
            match e {
                Element::Node(id, lon, lat, t) => w.node(*id, *lon, *lat, t).unwrap(),
                Element::Way(id, refs, t) => w.way(*id, refs, t).unwrap(),
                Element::Relation(id, members, t) => {
                    let m: Vec<_> = members
                        .iter()
                        .map(|(k, id, role)| {
                            let kind = match k {
                                0 => MemberKind::Node,
                                1 => MemberKind::Way,
                                _ => MemberKind::Relation,
                            };
                            (kind, *id, *role)
                        })
                        .collect();
                    w.relation(*id, &m, t).unwrap()
                }
            }
        }
        w.finish().unwrap();
        let opts = LoadOptions {
            bbox: bbox.and_then(|(a, b, c, d)| Bbox::new(a, b, c, d).ok()),
            ..LoadOptions::default()
        };
        let outcome = std::panic::catch_unwind(|| match osm::load(&path, &opts) {
            Ok(data) => RoadGraph::build(&data, &Profile::truck())
                .map(|_| ())
                .map_err(err_text),
            Err(e) => Err(err_text(e)),
        });
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(msg)) if !msg.trim().is_empty() => Ok(()),
            Ok(Err(_)) => Err(TestCaseError::fail("an error with an empty message")),
            Err(_) => {
                let bytes = std::fs::read(&path).unwrap_or_default();
                let saved = save_regression(reader("pbf"), &bytes);
                Err(TestCaseError::fail(format!(
                    "loading or building panicked on {elements:?}; the map is saved as {} \
                     (commit it: it is replayed on every run)",
                    saved.display()
                )))
            }
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
