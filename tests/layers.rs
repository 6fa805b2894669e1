//! The modules have no import loops: within the crate and within every directory, the sibling
//! modules' references to each other form an acyclic graph (the stages osm -> network ->
//! solver -> plan -> output; in the solver model -> evaluation -> search; in the network
//! roads -> turns -> snap -> graph -> routing).
//!
//! Written by hand over the source text (no crate resolves Rust paths short of compiling the
//! crate): every `crate::`/`super::`/`self::` path, in `use` lines (braces expanded) and in
//! code, is resolved against the file's own module path. A child naming its parent (`use
//! super::*` in a file split out of a module) is not a sibling edge; a path through a parent's
//! re-export is seen as naming the parent, so re-exports can hide an edge (none is relied on).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The module path of a source file under `src/`: `src/solver/search/mod.rs` -> [solver, search].
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix("src").unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source without comments and string literals (a doc comment's `super::X` is no import).
fn code_only(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for line in src.lines() {
        let mut in_str = false;
        let mut prev = ' ';
        let mut kept = String::new();
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if !in_str && c == '/' && chars.get(i + 1) == Some(&'/') {
                break;
            }
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                kept.push(c);
            }
            prev = c;
            i += 1;
        }
        out.push_str(&kept);
        out.push('\n');
    }
    out
}

/// Expands `a::{b, c::{d, e}}` into [a::b, a::c::d, a::c::e].
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let (mut depth, mut start, mut items) = (0, 0, Vec::new());
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .flat_map(expand)
        .map(|s| format!("{prefix}{s}"))
        .collect()
}

/// Every path a file names that starts at `crate`, `super` or `self`, as written.
fn paths_named(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let boundary = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        let after = &rest[at + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if boundary {
            paths.extend(expand(&after[..end].replace(['\n', ' '], "")));
        }
        rest = &after[end.min(after.len())..];
    }
    // Paths in code: a run of `word::word::...` starting at crate/super/self.
    let bytes = code.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if word(bytes[i]) && (i == 0 || !word(bytes[i - 1]) && bytes[i - 1] != b':') {
            let mut j = i;
            while j < bytes.len() && (word(bytes[j]) || bytes[j] == b':') {
                j += 1;
            }
            let p = &code[i..j];
            if p.contains("::")
                && (p.starts_with("crate::") || p.starts_with("super::") || p.starts_with("self::"))
            {
                paths.push(p.trim_end_matches(':').to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    paths
}

/// Resolves a path named in module `at` (`is_dir_module`: the file is a `mod.rs`) to an
/// absolute module path (its last segments may be items, not modules).
fn resolve(at: &[String], path: &str) -> Option<Vec<String>> {
    let mut segs = path.split("::").filter(|s| !s.is_empty());
    let first = segs.next()?;
    let mut base: Vec<String> = match first {
        "crate" => Vec::new(),
        "self" => at.to_vec(),
        "super" => at[..at.len().checked_sub(1)?].to_vec(),
        _ => return None,
    };
    for s in segs {
        if s == "super" {
            base.pop();
        } else {
            base.push(s.to_string());
        }
    }
    Some(base)
}

/// The sibling edges of every directory under `root` (e.g. ["solver"]): (parent, from, to).
fn sibling_edges(root: &str) -> BTreeSet<(Vec<String>, String, String)> {
    let mut files = Vec::new();
    rust_files(&Path::new("src").join(root), &mut files);
    // Modules that exist, so that `super::segment::Seg` stops at the module `segment`.
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(f)).collect();
    let mut edges = BTreeSet::new();
    for file in &files {
        let at = module_of(file);
        let code = code_only(&std::fs::read_to_string(file).unwrap());
        for path in paths_named(&code) {
            let Some(mut target) = resolve(&at, &path) else {
                continue;
            };
            while !target.is_empty() && !modules.contains(&target) {
                target.pop();
            }
            let common = at.iter().zip(&target).take_while(|(a, b)| a == b).count();
            // Naming an ancestor (or itself) or something outside the layer is no sibling edge.
            let depth = if root.is_empty() {
                0
            } else {
                root.split('/').count()
            };
            if common == target.len() || common == at.len() || common < depth {
                continue;
            }
            edges.insert((
                at[..common].to_vec(),
                at[common].clone(),
                target[common].clone(),
            ));
        }
    }
    edges
}

/// A cycle among the edges of one directory, if there is one.
fn cycle(edges: &[(String, String)]) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges {
        next.entry(a).or_default().push(b);
    }
    fn visit<'a>(
        n: &'a str,
        next: &BTreeMap<&'a str, Vec<&'a str>>,
        state: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|&s| s == n).unwrap();
                let mut c: Vec<String> = stack[from..].iter().map(|s| s.to_string()).collect();
                c.push(n.to_string());
                return Some(c);
            }
            _ => {}
        }
        state.insert(n, 1);
        stack.push(n);
        for &m in next.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, next, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n, 2);
        None
    }
    let mut state = BTreeMap::new();
    for &n in next.keys() {
        if let Some(c) = visit(n, &next, &mut state, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

fn loops_in(root: &str) -> Vec<String> {
    let mut by_dir: BTreeMap<Vec<String>, Vec<(String, String)>> = BTreeMap::new();
    for (dir, a, b) in sibling_edges(root) {
        by_dir.entry(dir).or_default().push((a, b));
    }
    by_dir
        .iter()
        .filter_map(|(dir, edges)| {
            cycle(edges).map(|c| format!("in {}: {}", dir.join("::"), c.join(" -> ")))
        })
        .collect()
}

#[test]
fn no_module_has_import_loops() {
    // "" is the crate itself: its stages (osm, network, scenario, solver, plan, output, ...).
    for root in [
        "",
        "solver",
        "network",
        "osm",
        "output",
        "plan",
        "scenario",
        "synthetic",
        "bench",
        "cli",
    ] {
        let loops = loops_in(root);
        assert!(
            loops.is_empty(),
            "import loops in src/{root}:\n{}",
            loops.join("\n")
        );
    }
}

#[test]
fn the_loop_finder_sees_a_loop() {
    let edges = [("a", "b"), ("b", "c"), ("c", "a")].map(|(a, b)| (a.to_string(), b.to_string()));
    assert_eq!(
        cycle(&edges),
        Some(["a", "b", "c", "a"].map(String::from).to_vec())
    );
    assert_eq!(cycle(&edges[..2]), None);
    // The network's old layout, graph <-> turns, seen through the same path resolution.
    let at: Vec<String> = ["network", "turns"].map(String::from).to_vec();
    assert_eq!(
        resolve(&at, "super::graph::RoadGraph"),
        Some(["network", "graph", "RoadGraph"].map(String::from).to_vec())
    );
    assert_eq!(
        expand("super::{a::X, b::{c, d}}"),
        ["super::a::X", "super::b::c", "super::b::d"]
            .map(String::from)
            .to_vec()
    );
}

#[test]
fn the_edges_are_found_in_the_sources() {
    // Known edges that exist today: if the scan stopped seeing paths, this fails.
    let net = sibling_edges("network");
    let has = |a: &str, b: &str| net.iter().any(|(_, x, y)| x == a && y == b);
    assert!(has("turns", "roads"), "{net:?}");
    assert!(has("graph", "turns"), "{net:?}");
    let stages = sibling_edges("");
    assert!(
        stages
            .iter()
            .any(|(d, x, y)| d.is_empty() && x == "plan" && y == "solver"),
        "{stages:?}"
    );
    let solver = sibling_edges("solver");
    assert!(
        solver
            .iter()
            .any(|(d, x, y)| d == &["solver".to_string()] && x == "search" && y == "segment"),
        "{solver:?}"
    );
}
