//! The scale benchmark: checks generated portfolios of 10k, 100k and 1M supply lines and
//! compares each with the floor, `serde_json` reading the same file into `IgnoredAny`; then
//! the error path, on the same portfolio with one schema error on its last line and with one
//! on every line in kilograms (`"unit": "kilo"`); then the same supply lines as CSV files
//! (100k and 1M rows: UTF-8 with `,`, and a German ERP export, windows-1252 with `;` and
//! decimal commas), each compared with the `csv` crate reading its records (a `ByteRecord`
//! loop), and as an Excel workbook of 100k rows.
//!
//! ```text
//! cargo bench --bench scale                         # portfolios, then CSV files and a workbook
//! cargo bench --bench scale -- --sizes 10000,100000 --rounds 9
//! cargo bench --bench scale -- --unordered-ids       # supply ids in no particular order
//! cargo bench --bench scale -- --json                # portfolios only
//! cargo bench --bench scale -- --tables              # CSV files and the workbook only
//! cargo bench --bench scale -- --generate 1000000 > big.json
//! cargo bench --bench scale -- --generate 1000000 --mistake every-kg-line > broken.json
//! ```
//!
//! Each measurement runs in a fresh child process (this program, re-executed), which times
//! itself from before reading the file to after writing the report, and reads its own peak
//! resident memory from `/proc/self/status`. Floor and check alternate, in alternating order,
//! so that both see the same machine; the table gives medians over the rounds. Generated
//! files are cached in `bench-data/` (deterministic: the same sizes give the same bytes).

#[path = "common/portfolio.rs"]
mod portfolio;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use portfolio::{Mistake, generate};

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

// ---- Measuring --------------------------------------------------------------------------

/// In a child process: does one job on `file`, then prints `nanoseconds peak_kib`.
fn child(what: &str, file: &Path) {
    let start = Instant::now();
    let mut options = crma_check::CheckOptions {
        today: "2026-11-23".parse().expect("a date"),
        ..crma_check::CheckOptions::default()
    };
    // A table checked on its own needs a year; the European export its declarations.
    if file.extension().is_some_and(|e| e != "json") {
        options.year = Some(2030);
    }
    if is_european(file) {
        options.tables = crma_check::TableOptions {
            decimal: Some(','),
            thousands: Some('.'),
            encoding: Some(crma_check::Encoding::Windows1252),
            ..crma_check::TableOptions::default()
        };
    }
    match what {
        "floor" => {
            let bytes = std::fs::read(file).expect("readable");
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).expect("valid JSON");
        }
        "floor-csv" => {
            let delimiter = if is_european(file) { b';' } else { b',' };
            let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_path(file).expect("readable");
            let mut record = csv::ByteRecord::new();
            let mut rows = 0usize;
            while reader.read_byte_record(&mut record).expect("valid CSV") {
                rows += 1;
            }
            assert!(rows > 0);
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

/// The times (ms) and peaks (KiB) of `rounds` runs of checking `file`, and of the floor job,
/// if any, alternating which goes first so that neither always runs on a warmer machine.
struct Runs {
    floor: Vec<f64>,
    check: Vec<f64>,
    ratios: Vec<f64>,
    floor_peak: u64,
    check_peak: u64,
}

fn runs(floor_job: Option<&str>, file: &Path, rounds: usize) -> Runs {
    let mut runs = Runs { floor: Vec::new(), check: Vec::new(), ratios: Vec::new(), floor_peak: 0, check_peak: 0 };
    for round in 0..rounds {
        let (floor, (check, check_peak)) = match floor_job {
            Some(job) if round % 2 == 0 => {
                let floor = measure(job, file);
                (Some(floor), measure("check", file))
            }
            Some(job) => {
                let check = measure("check", file);
                (Some(measure(job, file)), check)
            }
            None => (None, measure("check", file)),
        };
        if let Some((floor, floor_peak)) = floor {
            runs.floor.push(floor);
            runs.ratios.push(check / floor);
            runs.floor_peak = runs.floor_peak.max(floor_peak);
        }
        runs.check.push(check);
        runs.check_peak = runs.check_peak.max(check_peak);
    }
    runs
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}

/// Whether a generated CSV file is the European export.
fn is_european(file: &Path) -> bool {
    file.to_string_lossy().contains("-eu.")
}

/// A generated table of `lines` rows, cached in `bench-data/`: `kind` is `csv`, `eu.csv`
/// (windows-1252, `;`, decimal commas) or `xlsx`.
fn table_file(lines: usize, kind: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench-data");
    std::fs::create_dir_all(&dir).expect("bench-data/");
    let name = match kind {
        "eu.csv" => format!("supplies-{lines}-eu.csv"),
        other => format!("supplies-{lines}.{other}"),
    };
    let path = dir.join(name);
    if !path.exists() {
        eprintln!("generating {} ...", path.display());
        match kind {
            "xlsx" => std::fs::write(&path, portfolio::generate_xlsx(lines)).expect("write"),
            _ => {
                let mut file = std::fs::File::create(&path).expect("create");
                portfolio::generate_csv(lines, kind == "eu.csv", &mut file).expect("write");
            }
        }
    }
    path
}

/// CSV files against the `csv` crate's `ByteRecord` loop, and a workbook on its own.
fn bench_tables(rounds: Option<usize>) {
    println!();
    println!(
        "| file | rows | size | floor: `csv` `ByteRecord` loop (median) | crma-check (median) | time ratio | floor peak | crma-check peak | peak / file size |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (lines, kind) in
        [(100_000, "csv"), (1_000_000, "csv"), (100_000, "eu.csv"), (1_000_000, "eu.csv"), (100_000, "xlsx")]
    {
        let file = table_file(lines, kind);
        let size = std::fs::metadata(&file).expect("file").len();
        let rounds = rounds.unwrap_or(if lines >= 1_000_000 || kind == "xlsx" { 7 } else { 11 });
        let floor_job = (kind != "xlsx").then_some("floor-csv");
        let Runs { mut floor, mut check, mut ratios, floor_peak, check_peak } = runs(floor_job, &file, rounds);
        let mib = |kib: u64| kib as f64 / 1024.0;
        let check_ms = median(&mut check);
        let (floor_text, ratio_text, floor_peak_text) = if floor_job.is_some() {
            (
                format!("{:.1} ms", median(&mut floor)),
                format!("{:.2}", median(&mut ratios)),
                format!("{:.1} MiB", mib(floor_peak)),
            )
        } else {
            ("–".to_owned(), "–".to_owned(), "–".to_owned())
        };
        let name = file.file_name().expect("a name").to_string_lossy();
        println!(
            "| {name} | {lines} | {:.1} MB | {floor_text} | {check_ms:.1} ms | {ratio_text} | {floor_peak_text} | {:.1} MiB | {:.2} |",
            size as f64 / 1e6,
            mib(check_peak),
            check_peak as f64 * 1024.0 / size as f64,
        );
    }
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
    let (mut json, mut tables) = (true, true);
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match *arg {
            "--json" => tables = false,
            "--tables" => json = false,
            "--sizes" => {
                sizes = iter.next().expect("sizes").split(',').map(|s| s.parse().expect("a size")).collect();
                sizes.sort_unstable();
            }
            "--rounds" => rounds = Some(iter.next().expect("rounds").parse().expect("a number")),
            "--unordered-ids" => unordered = true,
            other => panic!("unknown argument {other}"),
        }
    }
    if json {
        bench_json(&sizes, rounds, unordered);
    }
    if tables {
        bench_tables(rounds);
    }
}

/// Portfolios against `serde_json` reading them into `IgnoredAny`, and the error path.
fn bench_json(sizes: &[usize], rounds: Option<usize>, unordered: bool) {
    let mut measured = Vec::new();
    for &lines in sizes {
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
