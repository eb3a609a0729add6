//! The scale benchmark: checks generated portfolios of 10k, 100k and 1M supply lines and
//! compares each with the floor, `serde_json` reading the same file into `IgnoredAny`; then
//! the error path, on the same portfolio with one schema error on its last line and with one
//! on every line in kilograms (`"unit": "kilo"`).
//!
//! ```text
//! cargo bench --bench scale                         # 10k, 100k and 1M lines
//! cargo bench --bench scale -- --sizes 10000,100000 --rounds 9
//! cargo bench --bench scale -- --unordered-ids       # supply ids in no particular order
//! cargo bench --bench scale -- --generate 1000000 > big.json
//! cargo bench --bench scale -- --generate 1000000 --mistake every-kg-line > broken.json
//! ```
//!
//! Each measurement runs in a fresh child process (this program, re-executed), which times
//! itself from before reading the file to after writing the report, and reads its own peak
//! resident memory from `/proc/self/status`. Floor and check alternate, in alternating order,
//! so that both see the same machine; the table gives medians over the rounds. Generated
//! files are cached in `bench-data/` (deterministic: the same sizes give the same bytes).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // cargo passes `--bench`; ignore it.
    let args: Vec<&str> = args.iter().map(String::as_str).filter(|a| *a != "--bench").collect();
    match args.as_slice() {
        ["--child", what, file] => child(what, Path::new(file)),
        ["--generate", lines, options @ ..] => {
            let lines: usize = lines.parse().expect("a number of lines");
            let unordered = options.contains(&"--unordered-ids");
            let mistake = match options.iter().position(|o| *o == "--mistake").map(|at| options.get(at + 1)) {
                None => Mistake::None,
                Some(Some(&"at-end")) => Mistake::AtEnd,
                Some(Some(&"every-kg-line")) => Mistake::EveryKgLine,
                Some(other) => panic!("unknown mistake {other:?}: at-end or every-kg-line"),
            };
            let stdout = std::io::stdout();
            generate(lines, unordered, mistake, &mut stdout.lock()).expect("write to standard output");
        }
        rest => bench(rest),
    }
}

// ---- The generator ----------------------------------------------------------------------

/// A material, its usual grade, forms, and where it comes from (weights are rough shares).
struct Profile {
    material: &'static str,
    grade: Option<&'static str>,
    forms: &'static [&'static str],
    extraction: &'static [(&'static str, u32)],
    processing: &'static [(&'static str, u32)],
}

const PROFILES: &[Profile] = &[
    Profile {
        material: "lithium",
        grade: Some("battery"),
        forms: &["lithium-carbonate", "lithium-hydroxide-monohydrate", "spodumene-sc6"],
        extraction: &[("AU", 45), ("CL", 25), ("CN", 15), ("AR", 8), ("PT", 4), ("ZW", 3)],
        processing: &[("CN", 60), ("CL", 20), ("DE", 8), ("FI", 7), ("US", 5)],
    },
    Profile {
        material: "cobalt",
        grade: None,
        forms: &["cobalt-sulfate-heptahydrate"],
        extraction: &[("CD", 70), ("ID", 8), ("AU", 5), ("NC", 4), ("FI", 3), ("RU", 5), ("PH", 5)],
        processing: &[("CN", 70), ("FI", 12), ("BE", 8), ("CA", 5), ("NO", 5)],
    },
    Profile {
        material: "nickel",
        grade: Some("battery"),
        forms: &["nickel-sulfate-hexahydrate"],
        extraction: &[("ID", 50), ("PH", 12), ("NC", 8), ("RU", 8), ("FI", 6), ("AU", 8), ("EL", 3), ("CA", 5)],
        processing: &[("ID", 45), ("CN", 25), ("FI", 10), ("JP", 10), ("NO", 10)],
    },
    Profile {
        material: "graphite",
        grade: Some("battery"),
        forms: &[],
        extraction: &[("CN", 75), ("MZ", 10), ("MG", 5), ("BR", 5), ("SE", 5)],
        processing: &[("CN", 90), ("SE", 5), ("JP", 5)],
    },
    Profile {
        material: "copper",
        grade: None,
        forms: &["copper-sulfate-pentahydrate"],
        extraction: &[("CL", 25), ("PE", 12), ("CD", 11), ("CN", 8), ("US", 5), ("PL", 4), ("AU", 4), ("SE", 3)],
        processing: &[("CN", 40), ("CL", 10), ("DE", 10), ("JP", 8), ("ES", 6), ("BG", 4), ("PL", 6)],
    },
    Profile {
        material: "Nd",
        grade: None,
        forms: &["neodymium-oxide"],
        extraction: &[("CN", 68), ("US", 12), ("MM", 10), ("AU", 6), ("GL", 4)],
        processing: &[("CN", 85), ("MY", 10), ("EE", 5)],
    },
    Profile {
        material: "tungsten",
        grade: None,
        forms: &["tungsten-trioxide", "ammonium-paratungstate"],
        extraction: &[("CN", 80), ("VN", 5), ("RU", 3), ("AT", 4), ("ES", 4), ("PT", 4)],
        processing: &[("CN", 75), ("AT", 10), ("DE", 10), ("US", 5)],
    },
    Profile {
        material: "tantalum",
        grade: None,
        forms: &[],
        extraction: &[("CD", 40), ("RW", 20), ("BR", 20), ("NG", 10), ("CN", 10)],
        processing: &[("CN", 50), ("TH", 20), ("DE", 15), ("US", 15)],
    },
    Profile {
        material: "zinc",
        grade: None,
        forms: &[],
        extraction: &[("CN", 35), ("PE", 12), ("AU", 10), ("IE", 5), ("SE", 5), ("IN", 8)],
        processing: &[("CN", 45), ("KR", 10), ("FI", 8), ("ES", 8), ("NL", 6)],
    },
];

/// Countries where scrap is recycled.
const RECYCLERS: &[(&str, u32)] = &[("DE", 30), ("BE", 20), ("FR", 10), ("PL", 10), ("US", 10), ("CN", 15), ("UK", 5)];

fn pick<'a>(rng: &mut ChaCha8Rng, weighted: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = weighted.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (item, weight) in weighted {
        if roll < *weight {
            return item;
        }
        roll -= weight;
    }
    weighted[0].0
}

/// A schema error written into a generated portfolio, for the error path.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mistake {
    /// None: the portfolio is valid.
    None,
    /// The last line's unit is `tonnes` (the fast pass meets it last).
    AtEnd,
    /// Every line in kilograms says `kilo` (about three lines in ten).
    EveryKgLine,
}

/// Writes a portfolio of `lines` supply lines: one line of JSON per supply, about 165 bytes
/// each, mixing materials, grades, units, forms, contents, EU, third-country and OCT origins,
/// recycled lines and a few of unknown origin. Deterministic for a given `lines`. Supply
/// ids increase, as in an export sorted by order number, unless `unordered`. `mistake` writes
/// schema errors into the same lines (the same bytes but for them).
fn generate(lines: usize, unordered: bool, mistake: Mistake, out: &mut impl Write) -> std::io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(lines as u64);
    let mut out = std::io::BufWriter::new(out);
    writeln!(out, "{{")?;
    writeln!(out, "  \"$schema\": \"../schemas/portfolio.schema.json\",")?;
    writeln!(out, "  \"version\": 1,")?;
    writeln!(out, "  \"name\": \"Generated portfolio, {lines} supply lines\",")?;
    writeln!(out, "  \"year\": 2030,")?;
    // Consumption for a few materials, about what the supplies add up to.
    let per_line_t = 40.0;
    let share = lines as f64 * per_line_t / PROFILES.len() as f64;
    writeln!(out, "  \"consumption\": {{")?;
    writeln!(out, "    \"lithium\": {{ \"amount\": {:.0}, \"unit\": \"t\", \"grade\": \"battery\" }},", share * 0.3)?;
    writeln!(out, "    \"cobalt\": {{ \"amount\": {:.0}, \"unit\": \"t\" }}", share * 0.8)?;
    writeln!(out, "  }},")?;
    writeln!(out, "  \"supplies\": [")?;
    // Unordered ids are a permutation of the line numbers: the step is prime, and so coprime
    // with the number of lines unless it divides it; then the other prime does not.
    let step: u64 = if (lines as u64).is_multiple_of(1_000_003) { 999_983 } else { 1_000_003 };
    for n in 0..lines {
        let profile = &PROFILES[rng.random_range(0..PROFILES.len())];
        let number = if unordered { (n as u64 * step % lines as u64) as usize } else { n };
        let mut line = format!("    {{\"id\": \"PO-{number:08}\", \"material\": \"{}\"", profile.material);
        if let Some(grade) = profile.grade
            && rng.random_ratio(9, 10)
        {
            line.push_str(&format!(", \"grade\": \"{grade}\""));
        }
        let (amount, mut unit) = match rng.random_range(0..10) {
            0..=5 => (format!("{:.3}", rng.random_range(0.5..80.0)), "t"),
            6..=8 => (format!("{}", rng.random_range(100..90_000)), "kg"),
            _ => (format!("{:.4}", rng.random_range(0.001..0.2)), "kt"),
        };
        match mistake {
            Mistake::AtEnd if n + 1 == lines => unit = "tonnes",
            Mistake::EveryKgLine if unit == "kg" => unit = "kilo",
            _ => {}
        }
        line.push_str(&format!(", \"amount\": {amount}, \"unit\": \"{unit}\""));
        let recycled = rng.random_ratio(3, 20);
        if !recycled {
            match rng.random_range(0..10) {
                0..=3 if !profile.forms.is_empty() => {
                    let form = profile.forms[rng.random_range(0..profile.forms.len())];
                    line.push_str(&format!(", \"form\": \"{form}\""));
                }
                4 => line.push_str(&format!(", \"content\": {:.2}", rng.random_range(0.2..0.9))),
                _ => {}
            }
        }
        line.push_str(", \"supplier\": \"Supplier ");
        line.push_str(&format!("{}\"", rng.random_range(1..400)));
        if recycled {
            let recycler = pick(&mut rng, RECYCLERS);
            line.push_str(&format!(", \"origin\": {{\"recycling\": \"{recycler}\"}}}}"));
        } else {
            let extraction = pick(&mut rng, profile.extraction);
            let processing = pick(&mut rng, profile.processing);
            match rng.random_range(0..50) {
                0 => line.push_str(&format!(", \"origin\": {{\"extraction\": \"{extraction}\"}}}}")),
                _ => line.push_str(&format!(
                    ", \"origin\": {{\"extraction\": \"{extraction}\", \"processing\": \"{processing}\"}}}}"
                )),
            }
        }
        if n + 1 < lines {
            line.push(',');
        }
        writeln!(out, "{line}")?;
    }
    writeln!(out, "  ],")?;
    writeln!(out, "  \"waivers\": [")?;
    writeln!(
        out,
        "    {{ \"rule\": \"CRM004\", \"material\": \"cobalt\", \"stage\": \"extraction\", \"country\": \"CD\", \"reason\": \"Benchmark run\", \"expires\": \"2099-12-31\" }}"
    )?;
    writeln!(out, "  ]")?;
    writeln!(out, "}}")?;
    out.flush()
}

// ---- Measuring --------------------------------------------------------------------------

/// In a child process: does one job on `file`, then prints `nanoseconds peak_kib`.
fn child(what: &str, file: &Path) {
    let start = Instant::now();
    let options = crma_check::CheckOptions {
        today: "2026-11-23".parse().expect("a date"),
        ..crma_check::CheckOptions::default()
    };
    match what {
        "floor" => {
            let bytes = std::fs::read(file).expect("readable");
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).expect("valid JSON");
        }
        "check" => {
            let checker = crma_check::Checker::builtin(options);
            let report = checker.check_paths([file.to_str().expect("a UTF-8 path")]);
            assert!(report.files[0].checked(), "the generated portfolio is valid: {:?}", report.files[0].diagnostics);
            use crma_check::report::{Format, Style};
            Format::Human.write(&report, &Style::default(), &mut std::io::sink()).expect("sink");
        }
        "diagnose" => diagnose(options, file, crma_check::report::Format::Human),
        other if other.starts_with("diagnose-") => {
            let format = crma_check::report::Format::named(&other["diagnose-".len()..]).expect("a format");
            diagnose(options, file, format);
        }
        other => panic!("unknown job {other}"),
    }
    let elapsed = start.elapsed().as_nanos();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    println!("{elapsed} {peak_kib}");
}

/// Checks a broken portfolio, which must have one schema problem, and writes the report in
/// `format`.
fn diagnose(options: crma_check::CheckOptions, file: &Path, format: crma_check::report::Format) {
    let checker = crma_check::Checker::builtin(options);
    let report = checker.check_paths([file.to_str().expect("a UTF-8 path")]);
    let diagnostics = &report.files[0].diagnostics;
    assert!(
        diagnostics.len() == 1 && diagnostics[0].code.id() == "schema",
        "the broken portfolio has one schema problem: {diagnostics:?}"
    );
    format.write(&report, &crma_check::report::Style::default(), &mut std::io::sink()).expect("sink");
}

fn measure(what: &str, file: &Path) -> (f64, u64) {
    let output = Command::new(std::env::current_exe().expect("this program"))
        .args(["--child", what, file.to_str().expect("UTF-8 path")])
        .output()
        .expect("the child runs");
    assert!(output.status.success(), "{what} failed: {}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text.split_whitespace();
    let nanos: f64 = parts.next().and_then(|n| n.parse().ok()).expect("time");
    let peak: u64 = parts.next().and_then(|n| n.parse().ok()).expect("memory");
    (nanos / 1e6, peak)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

fn data_file(lines: usize, unordered: bool, mistake: Mistake) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data/");
    let mut suffix = if unordered { "-unordered-ids" } else { "" }.to_owned();
    match mistake {
        Mistake::None => {}
        Mistake::AtEnd => suffix.push_str("-error-at-end"),
        Mistake::EveryKgLine => suffix.push_str("-error-every-kg-line"),
    }
    let path = dir.join(format!("portfolio-{lines}{suffix}.json"));
    if !path.exists() {
        eprintln!("generating {} ...", path.display());
        let mut file = std::fs::File::create(&path).expect("create");
        generate(lines, unordered, mistake, &mut file).expect("write");
    }
    path
}

fn bench(args: &[&str]) {
    let mut sizes = vec![10_000, 100_000, 1_000_000];
    let mut rounds = None;
    let mut unordered = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match *arg {
            "--sizes" => {
                sizes = iter.next().expect("sizes").split(',').map(|s| s.parse().expect("a size")).collect();
                sizes.sort_unstable();
            }
            "--rounds" => rounds = Some(iter.next().expect("rounds").parse().expect("a number")),
            "--unordered-ids" => unordered = true,
            other => panic!("unknown argument {other}"),
        }
    }
    let mut measured = Vec::new();
    for &lines in &sizes {
        let rounds = rounds.unwrap_or(if lines >= 1_000_000 { 7 } else { 11 });
        measured.push(measure_size(lines, unordered, rounds));
    }
    println!(
        "| lines | file | floor (median) | crma-check (median) | time ratio | per line | per added line | floor peak | crma-check peak | peak / file size |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    // The cost of each line added since the previous size: what a fixed cost per run (the
    // report's rendering, the reference data) does not blur.
    let mut previous: Option<(usize, f64)> = None;
    let mib = |kib: u64| kib as f64 / 1024.0;
    for m in &measured {
        let (lines, check_ms) = (m.lines, m.check.median);
        let added =
            previous.map_or("".to_owned(), |(l, ms)| format!("{:.0} ns", (check_ms - ms) * 1e6 / (lines - l) as f64));
        previous = Some((lines, check_ms));
        println!(
            "| {lines} | {:.1} MB | {:.1} ms | {check_ms:.1} ms | {:.2} | {:.0} ns | {added} | {:.1} MiB | {:.1} MiB | {:.2} |",
            m.size as f64 / 1e6,
            m.floor.median,
            m.check.ratio_to_floor,
            check_ms * 1e6 / lines as f64,
            mib(m.floor.peak),
            mib(m.check.peak),
            m.check.peak as f64 * 1024.0 / m.size as f64,
        );
    }
    println!();
    println!("The error path: one schema error on the last line; one on every line in kilograms.");
    println!();
    println!(
        "| lines | floor | clean check | error at end (median) | / clean check | / floor | peak | peak / file size | every kg line (median) | / clean check | / floor | peak | peak / file size |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for m in &measured {
        let row = |t: &Timing| {
            format!(
                "{:.1} ms | {:.2} | {:.2} | {:.1} MiB | {:.2}",
                t.median,
                t.ratio_to_check,
                t.ratio_to_floor,
                mib(t.peak),
                t.peak as f64 * 1024.0 / m.size as f64
            )
        };
        println!(
            "| {} | {:.1} ms | {:.1} ms | {} | {} |",
            m.lines,
            m.floor.median,
            m.check.median,
            row(&m.at_end),
            row(&m.every_line)
        );
    }
    // Every format of the largest file with an error on every line in kilograms: the formats
    // for tools list each place (one round each).
    let Some(largest) = measured.last() else { return };
    let file = data_file(largest.lines, unordered, Mistake::EveryKgLine);
    println!();
    println!("Every format, {} lines with an error on every line in kilograms (one round each):", largest.lines);
    println!();
    println!("| format | time | / floor | peak | peak / file size |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for format in crma_check::report::Format::ALL {
        let (ms, peak) = measure(&format!("diagnose-{}", format.name()), &file);
        println!(
            "| {} | {ms:.1} ms | {:.2} | {:.1} MiB | {:.2} |",
            format.name(),
            ms / largest.floor.median,
            mib(peak),
            peak as f64 * 1024.0 / largest.size as f64
        );
    }
}

/// The medians of one job on one size, against the floor and the clean check of each round.
struct Timing {
    median: f64,
    ratio_to_floor: f64,
    ratio_to_check: f64,
    peak: u64,
}

/// The measurements of one size.
struct Measured {
    lines: usize,
    size: u64,
    floor: Timing,
    check: Timing,
    at_end: Timing,
    every_line: Timing,
}

/// Measures one size: the floor, the clean check and the two broken files, in each round, the
/// order rotating so that none always runs on a warmer machine.
fn measure_size(lines: usize, unordered: bool, rounds: usize) -> Measured {
    let clean = data_file(lines, unordered, Mistake::None);
    let at_end = data_file(lines, unordered, Mistake::AtEnd);
    let every_line = data_file(lines, unordered, Mistake::EveryKgLine);
    let size = std::fs::metadata(&clean).expect("file").len();
    let jobs = [("floor", &clean), ("check", &clean), ("diagnose", &at_end), ("diagnose", &every_line)];
    // Per job: times, peaks; per round, the ratios to the floor and to the clean check.
    let mut times = vec![Vec::new(); jobs.len()];
    let mut to_floor = vec![Vec::new(); jobs.len()];
    let mut to_check = vec![Vec::new(); jobs.len()];
    let mut peaks = vec![0u64; jobs.len()];
    for round in 0..rounds {
        let mut this_round = vec![(0.0, 0); jobs.len()];
        for k in 0..jobs.len() {
            let n = (k + round) % jobs.len();
            this_round[n] = measure(jobs[n].0, jobs[n].1);
        }
        for (n, &(ms, peak)) in this_round.iter().enumerate() {
            times[n].push(ms);
            to_floor[n].push(ms / this_round[0].0);
            to_check[n].push(ms / this_round[1].0);
            peaks[n] = peaks[n].max(peak);
        }
    }
    let mut timing = |n: usize| Timing {
        median: median(&mut times[n]),
        ratio_to_floor: median(&mut to_floor[n]),
        ratio_to_check: median(&mut to_check[n]),
        peak: peaks[n],
    };
    Measured { lines, size, floor: timing(0), check: timing(1), at_end: timing(2), every_line: timing(3) }
}
