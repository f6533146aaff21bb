//! `cargo xtask bench`: every figure measured side by side in one run, on the same
//! machine state, and reported as medians and ratios (the machines are shared and noisy,
//! so absolute times mean little on their own): the full pipeline (provider step, then
//! apps step) against the apps step alone, in-process against a process per render.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

use dot_kubernetes::render::{APPS_STEP_FILES, Observed, Pipeline, RUNTIME_HINT};
use dot_kubernetes_apps::Provider;
use serde_json::Value;

use crate::TaskResult;

/// The scenario fixtures the end-to-end tests render: one file, compiled into both (it is
/// test support, in no crate's public API).
#[path = "../../tests/common/scenarios.rs"]
mod scenarios;

use scenarios::{read_scenarios, scenario_xr};

/// How much to measure.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// How many times each measurement is repeated (the median is reported).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Another apps step to render side by side with kcl/apps.k, for the same XRs (for
    /// example the hand-written apps.k this package replaces).
    #[arg(long, value_name = "APPS_K")]
    against: Option<PathBuf>,
}

/// One rendering case: a scenario for a provider.
struct Case {
    name: String,
    provider: Provider,
    xr: Value,
    path: PathBuf,
}

pub fn run(root: &Path, args: &BenchArgs) -> TaskResult {
    let runs = args.runs.max(1);
    let pipeline = Pipeline::load(&root.join("kcl"))?;
    let composition = pipeline.composition();
    let cases = matrix(root)?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let every_app = cases
        .iter()
        .find(|c| c.name == "every-app" && c.provider == Provider::Google)
        .ok_or("tests/scenarios/every-app.yaml is missing")?;
    let render_apps = |case: &Case| {
        composition
            .render(case.xr.clone(), Some(case.provider))
            .map(|_| ())
            .map_err(|e| Error::from(format!("{}: {e}", case.name)))
    };
    let render_pipeline = |case: &Case| {
        pipeline
            .render(case.xr.clone(), Some(case.provider), &Observed::none())
            .map(|_| ())
            .map_err(|e| Error::from(format!("{} ({}): {e}", case.name, case.provider)))
    };

    println!(
        "{} scenarios x {} providers = {} renders; {runs} runs each, medians\n",
        cases.len() / Provider::ALL.len(),
        Provider::ALL.len(),
        cases.len()
    );
    let lines = |file: &str| {
        std::fs::read_to_string(root.join("kcl").join(file)).map_or(0, |t| t.lines().count())
    };
    let apps_step_lines: usize = APPS_STEP_FILES.into_iter().map(lines).sum();

    let one_apps = median(runs, || render_apps(every_app))?;
    let one_pipeline = median(runs, || render_pipeline(every_app))?;
    let one_process = median(runs, || render_in_process_per_call(&exe, every_app))?;

    let runtime = kcl_runtime::Runtime::global().map_err(|e| e.with_hint(RUNTIME_HINT))?;
    let requests = cases
        .iter()
        .map(|case| {
            let program = composition.program(case.xr.clone(), Some(case.provider))?;
            Ok(program.to_protobuf()?)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let every_app_request = &requests[cases
        .iter()
        .position(|c| std::ptr::eq(c, every_app))
        .unwrap_or_default()];
    let library = runtime.library_path();
    let one_python = median(runs, || python_eval_per_process(library, every_app_request))?;
    let matrix_apps = median(runs, || cases.iter().try_for_each(render_apps))?;
    let matrix_pipeline = median(runs, || cases.iter().try_for_each(render_pipeline))?;
    let matrix_per_process = median(1, || {
        cases
            .iter()
            .try_for_each(|case| render_in_process_per_call(&exe, case))
    })?;
    let matrix_python = median(1, || {
        requests
            .iter()
            .try_for_each(|request| python_eval_per_process(library, request))
    })?;
    let against = match &args.against {
        Some(path) => {
            let source = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let other = composition.with_apps_source(source)?;
            let render_other = |case: &Case| {
                other
                    .render(case.xr.clone(), Some(case.provider))
                    .map(|_| ())
                    .map_err(|e| Error::from(format!("{} with {}: {e}", case.name, path.display())))
            };
            // An XR that both understand: every field of the deployed XRD, and nothing newer.
            let same = cases
                .iter()
                .find(|c| c.name == "reference-every-field" && c.provider == Provider::Google)
                .ok_or("tests/scenarios/reference-every-field.yaml is missing")?;
            // Alternated, render by render, so that both see the same machine.
            let (one_ours, one_other) =
                medians_alternated(runs * 4, || render_apps(same), || render_other(same))?;
            let both: Vec<&Case> = cases
                .iter()
                .filter(|case| render_other(case).is_ok())
                .collect();
            let (matrix_ours, matrix_other) = medians_alternated(
                runs,
                || both.iter().try_for_each(|c| render_apps(c)),
                || both.iter().try_for_each(|c| render_other(c)),
            )?;
            Some((
                path,
                one_other,
                one_ours,
                both.len(),
                matrix_other,
                matrix_ours,
            ))
        }
        None => None,
    };
    let codegen_check = median(runs, || run_xtask(&exe, &["codegen", "--check"]))?;
    let package_check = median(runs, || run_xtask(&exe, &["package", "--check"]))?;

    println!("| measurement | median |");
    println!("|---|---|");
    row(
        &format!(
            "one render, apps step only, in-process (every-app, google; apps.k + manifests.k: {} lines)",
            apps_step_lines
        ),
        one_apps,
    );
    row(
        &format!(
            "one render, full pipeline, in-process (google.k, {} lines, then apps.k)",
            lines("google.k")
        ),
        one_pipeline,
    );
    row(
        "one render, full pipeline, fresh `cargo xtask render` process",
        one_process,
    );
    row(
        "one evaluation of apps.k, fresh python3 process loading kcl_lib",
        one_python,
    );
    row("whole matrix, apps step only, in-process", matrix_apps);
    row("whole matrix, full pipeline, in-process", matrix_pipeline);
    row(
        "whole matrix, full pipeline, a fresh `cargo xtask render` process per render",
        matrix_per_process,
    );
    row(
        "whole matrix, apps step only, a fresh python3 process per render (`kcl run` per case)",
        matrix_python,
    );
    row("`cargo xtask codegen --check` (built)", codegen_check);
    row("`cargo xtask package --check` (built)", package_check);
    println!();
    println!(
        "full pipeline vs apps step only, one render: {:.1}x the time",
        ratio(one_pipeline, one_apps)
    );
    println!(
        "full pipeline vs apps step only, whole matrix: {:.1}x the time",
        ratio(matrix_pipeline, matrix_apps)
    );
    println!(
        "apps step in-process vs a fresh python3 process per evaluation: {:.1}x faster",
        ratio(one_python, one_apps)
    );
    println!(
        "whole matrix, apps step in-process vs a python3 process per render: {:.1}x faster",
        ratio(matrix_python, matrix_apps)
    );
    println!(
        "whole matrix, full pipeline in-process vs a `cargo xtask render` process per render: {:.1}x faster",
        ratio(matrix_per_process, matrix_pipeline)
    );
    if let Some((path, one_other, one_ours, count, matrix_other, matrix_ours)) = against {
        let other_lines = std::fs::read_to_string(path).map_or(0, |t| t.lines().count());
        println!();
        println!(
            "| apps step, in-process | kcl/apps.k + manifests.k ({} lines) | {} ({other_lines} lines) |",
            apps_step_lines,
            path.display()
        );
        println!("|---|---|---|");
        println!(
            "| one render (reference-every-field, google) | {:.1} ms | {:.1} ms |",
            ms(one_ours),
            ms(one_other)
        );
        println!(
            "| the {count} renders both compose | {:.1} ms | {:.1} ms |",
            ms(matrix_ours),
            ms(matrix_other)
        );
        println!(
            "kcl/apps.k vs {}: {:.2}x the time for one render, {:.2}x for the matrix",
            path.display(),
            ratio(one_ours, one_other),
            ratio(matrix_ours, matrix_other)
        );
    }
    if let Some(dir) = cases.first().and_then(|c| c.path.parent()) {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(ExitCode::SUCCESS)
}

/// Every scenario of `tests/scenarios` for every provider, each also written to a file
/// for the runs that render in a fresh process.
fn matrix(root: &Path) -> Result<Vec<Case>, Error> {
    let scenarios = read_scenarios(&root.join("tests/scenarios"))?;
    let scratch = std::env::temp_dir().join(format!("dot-kubernetes-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let mut cases = Vec::new();
    for scenario in scenarios {
        for provider in Provider::ALL {
            let xr = scenario_xr(&scenario.name, provider, scenario.parameters.clone());
            let path = scratch.join(format!("{provider}-{}.json", scenario.name));
            std::fs::write(&path, xr.to_string())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            cases.push(Case {
                name: scenario.name.clone(),
                provider,
                xr,
                path,
            });
        }
    }
    Ok(cases)
}

/// `cargo xtask render` as a fresh process: start, load the runtime, admit, render the
/// full pipeline, print.
fn render_in_process_per_call(exe: &Path, case: &Case) -> Result<(), Error> {
    let path = case.path.to_string_lossy();
    run_xtask(exe, &["render", "--provider", case.provider.name(), &path])
}

/// Run this program again with `args`, its output discarded.
fn run_xtask(exe: &Path, args: &[&str]) -> Result<(), Error> {
    let status = Command::new(exe)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    succeeded(status, &format!("`cargo xtask {}`", args.join(" ")))
}

fn succeeded(status: std::process::ExitStatus, what: &str) -> Result<(), Error> {
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("{what} failed ({status})").into())
}

/// What one `kcl run` per case costs: a fresh python3 that loads the KCL library and
/// evaluates the same program once (the encoded request comes on standard input).
fn python_eval_per_process(library: &Path, request: &[u8]) -> Result<(), Error> {
    const SCRIPT: &str = "import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
lib.kcl_service_new.restype = ctypes.c_void_p
call = lib.kcl_service_call_with_length
call.restype = ctypes.c_void_p
call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_size_t)]
request = sys.stdin.buffer.read()
size = ctypes.c_size_t(0)
result = call(lib.kcl_service_new(ctypes.c_uint64(0)), b'KclService.ExecProgram', request, len(request), ctypes.byref(size))
sys.exit(1 if ctypes.string_at(result, size.value).startswith(b'ERROR:') else 0)
";
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(library)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        stdin.write_all(request)?;
    }
    let status = child.wait()?;
    succeeded(status, "the python3 evaluation")
}

/// The median wall time of `runs` calls.
fn median(runs: usize, mut f: impl FnMut() -> Result<(), Error>) -> Result<Duration, Error> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// The medians of `a` and `b`, run one after the other `runs` times each.
fn medians_alternated(
    runs: usize,
    mut a: impl FnMut() -> Result<(), Error>,
    mut b: impl FnMut() -> Result<(), Error>,
) -> Result<(Duration, Duration), Error> {
    let mut times = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for _ in 0..runs {
        let start = Instant::now();
        a()?;
        times.0.push(start.elapsed());
        let start = Instant::now();
        b()?;
        times.1.push(start.elapsed());
    }
    times.0.sort();
    times.1.sort();
    Ok((times.0[runs / 2], times.1[runs / 2]))
}

fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64().max(f64::EPSILON)
}

fn row(name: &str, time: Duration) {
    println!("| {name} | {:.1} ms |", ms(time));
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
