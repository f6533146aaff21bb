//! `cargo xtask bench`: every figure measured side by side in one run, on the same
//! machine state, and reported as medians and ratios (the machines are shared and noisy,
//! so absolute times mean little on their own): the full pipeline (provider step, then
//! apps step) against the apps step alone, in-process against a process per render, and
//! `kcl-render` over `package/` against the render of `kcl/`. [`measure`] measures,
//! [`print()`] reports.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use crate::Error;

use dot_kubernetes::render::{
    APPS_STEP_FILES, Observed, Pipeline, RESOURCE_NAME_ANNOTATION, RUNTIME_HINT,
};
use dot_kubernetes_apps::Provider;
use serde_json::Value;

use crate::TaskResult;

use crate::scenarios::{read_scenarios, scenario_xr};

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

/// Everything `cargo xtask bench` measures, in one run.
struct Measurements {
    runs: usize,
    /// How many scenarios, and renders (scenarios x providers).
    scenarios: usize,
    renders: usize,
    /// Lines of the apps step's files, and of the Google step.
    apps_step_lines: usize,
    google_lines: usize,
    one_apps: Duration,
    one_pipeline: Duration,
    one_process: Duration,
    one_python: Duration,
    matrix_apps: Duration,
    matrix_pipeline: Duration,
    matrix_per_process: Duration,
    matrix_python: Duration,
    kcl_render: KclRenderMeasurements,
    codegen_check: Duration,
    against: Option<Against>,
}

/// `kcl-render` over `package/` side by side with the render of `kcl/` (`Pipeline`, what
/// `cargo xtask render` runs).
struct KclRenderMeasurements {
    /// Loading: `Renderer::load` of package/, `Pipeline::load` of kcl/.
    load: (Duration, Duration),
    /// One render in-process (every-app, google), loaded.
    one: (Duration, Duration),
    /// The whole matrix in-process, loaded.
    matrix: (Duration, Duration),
    /// One render as a fresh process: `kcl-render`, `cargo xtask render`.
    process: (Duration, Duration),
}

/// Another apps step rendered alternately with kcl/apps.k.
struct Against {
    path: PathBuf,
    lines: usize,
    /// The scenario of the one render (on Google).
    one_case: String,
    one: (Duration, Duration),
    cases: usize,
    matrix: (Duration, Duration),
}

pub fn run(root: &Path, args: &BenchArgs) -> TaskResult {
    let measurements = measure(root, args)?;
    print(&measurements);
    Ok(ExitCode::SUCCESS)
}

fn measure(root: &Path, args: &BenchArgs) -> Result<Measurements, Error> {
    let runs = args.runs.max(1);
    let pipeline = Pipeline::load(&root.join("kcl"))?;
    let composition = pipeline.composition();
    let cases = matrix(root)?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let every_app = cases
        .iter()
        .find(|c| c.name == "every-app" && c.provider == Provider::Google)
        .ok_or("the every-app scenario is missing")?;
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
    let lines = |file: &str| {
        std::fs::read_to_string(root.join("kcl").join(file)).map_or(0, |t| t.lines().count())
    };

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
    let kcl_render = measure_kcl_render(root, runs, &exe, &pipeline, &cases, every_app)?;
    let against = match &args.against {
        Some(path) => Some(measure_against(
            path,
            composition,
            runs,
            &cases,
            render_apps,
        )?),
        None => None,
    };
    let codegen_check = median(runs, || run_xtask(&exe, &["codegen", "--check"]))?;
    if let Some(dir) = cases.first().and_then(|c| c.path.parent()) {
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(Measurements {
        runs,
        scenarios: cases.len() / Provider::ALL.len(),
        renders: cases.len(),
        apps_step_lines: APPS_STEP_FILES.into_iter().map(lines).sum(),
        google_lines: lines("google.k"),
        one_apps,
        one_pipeline,
        one_process,
        one_python,
        matrix_apps,
        matrix_pipeline,
        matrix_per_process,
        matrix_python,
        kcl_render,
        codegen_check,
        against,
    })
}

/// `kcl-render` over the checked-in `package/` (what users install) against the render of
/// `kcl/`, loading and rendering, in-process and as a fresh process each.
fn measure_kcl_render(
    root: &Path,
    runs: usize,
    exe: &Path,
    pipeline: &Pipeline,
    cases: &[Case],
    every_app: &Case,
) -> Result<KclRenderMeasurements, Error> {
    let compositions = root.join("package/compositions.yaml");
    let definition = root.join("package/definition.yaml");
    let load_package = || kcl_render::Renderer::load(&compositions, Some(&definition));
    let renderer = load_package()?;
    let render_package = |case: &Case| {
        renderer
            .render(case.xr.clone(), &kcl_render::Observed::none())
            .map(|_| ())
            .map_err(|e| {
                Error::from(format!(
                    "kcl-render, {} ({}): {e}",
                    case.name, case.provider
                ))
            })
    };
    let render_kcl = |case: &Case| {
        pipeline
            .render(case.xr.clone(), Some(case.provider), &Observed::none())
            .map(|_| ())
            .map_err(|e| Error::from(format!("{} ({}): {e}", case.name, case.provider)))
    };
    let load = medians_alternated(
        runs,
        || load_package().map(|_| ()).map_err(Error::from),
        || {
            Pipeline::load(&root.join("kcl"))
                .map(|_| ())
                .map_err(Error::from)
        },
    )?;
    let one = medians_alternated(
        runs * 4,
        || render_package(every_app),
        || render_kcl(every_app),
    )?;
    let matrix = medians_alternated(
        runs,
        || cases.iter().try_for_each(render_package),
        || cases.iter().try_for_each(render_kcl),
    )?;
    let binary = kcl_render_binary(exe)?;
    let (compositions, definition) = (
        compositions.to_string_lossy().into_owned(),
        definition.to_string_lossy().into_owned(),
    );
    let xr = every_app.path.to_string_lossy().into_owned();
    let process = medians_alternated(
        runs,
        || {
            let status = Command::new(&binary)
                .args([xr.as_str(), &compositions, "--xrd", &definition])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
            succeeded(status, "kcl-render")
        },
        || render_in_process_per_call(exe, every_app),
    )?;
    Ok(KclRenderMeasurements {
        load,
        one,
        matrix,
        process,
    })
}

/// The `kcl-render` binary beside this program, built first (in this program's profile).
fn kcl_render_binary(exe: &Path) -> Result<PathBuf, Error> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut build = Command::new(cargo);
    build.args([
        "build",
        "--quiet",
        "--package",
        "kcl-render",
        "--bin",
        "kcl-render",
    ]);
    let dir = exe.parent().ok_or("this program has no directory")?;
    if dir.file_name().is_some_and(|name| name == "release") {
        build.arg("--release");
    }
    let status = build
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    succeeded(status, "building kcl-render")?;
    Ok(dir.join(format!("kcl-render{}", std::env::consts::EXE_SUFFIX)))
}

/// Another apps step (for example the hand-written `apps.k` of the deployed package)
/// rendered alternately with `kcl/apps.k`, for the XRs both read the same way: every case
/// that both render into the same composition resource names (a case that sets an app
/// only one of them knows is left out), and, for one render, the largest of them on Google.
fn measure_against(
    path: &Path,
    composition: &dot_kubernetes::render::Composition,
    runs: usize,
    cases: &[Case],
    render_apps: impl Fn(&Case) -> Result<(), Error>,
) -> Result<Against, Error> {
    let source = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let lines = source.lines().count();
    let other = composition.with_apps_source(source)?;
    let render_other = |case: &Case| {
        other
            .render(case.xr.clone(), Some(case.provider))
            .map_err(|e| Error::from(format!("{} with {}: {e}", case.name, path.display())))
    };
    let mut both = Vec::new();
    for case in cases {
        let ours = composition
            .render(case.xr.clone(), Some(case.provider))
            .map_err(|e| format!("{}: {e}", case.name))?;
        if render_other(case).is_ok_and(|theirs| resource_names(&theirs) == resource_names(&ours)) {
            both.push((case, ours.len()));
        }
    }
    let (same, _) = (both.iter())
        .filter(|(case, _)| case.provider == Provider::Google)
        .max_by_key(|(_, composed)| *composed)
        .ok_or_else(|| {
            format!(
                "no scenario composes the same resources with {}",
                path.display()
            )
        })?;
    // Alternated, render by render, so that both see the same machine.
    let one = medians_alternated(
        runs * 4,
        || render_apps(same),
        || render_other(same).map(|_| ()),
    )?;
    let matrix = medians_alternated(
        runs,
        || both.iter().try_for_each(|(c, _)| render_apps(c)),
        || {
            both.iter()
                .try_for_each(|(c, _)| render_other(c).map(|_| ()))
        },
    )?;
    Ok(Against {
        path: path.to_path_buf(),
        lines,
        one_case: same.name.clone(),
        one,
        cases: both.len(),
        matrix,
    })
}

/// The composition resource names of rendered resources, sorted.
fn resource_names(items: &[Value]) -> Vec<&str> {
    let mut names: Vec<&str> = (items.iter())
        .filter_map(|item| {
            item.pointer("/metadata/annotations")?
                .get(RESOURCE_NAME_ANNOTATION)?
                .as_str()
        })
        .collect();
    names.sort_unstable();
    names
}

fn print(m: &Measurements) {
    println!(
        "{} scenarios x {} providers = {} renders; {} runs each, medians\n",
        m.scenarios,
        Provider::ALL.len(),
        m.renders,
        m.runs
    );
    println!("| measurement | median |");
    println!("|---|---|");
    row(
        &format!(
            "one render, apps step only, in-process (every-app, google; apps.k + manifests.k: {} lines)",
            m.apps_step_lines
        ),
        m.one_apps,
    );
    row(
        &format!(
            "one render, full pipeline, in-process (google.k, {} lines, then apps.k)",
            m.google_lines
        ),
        m.one_pipeline,
    );
    row(
        "one render, full pipeline, fresh `cargo xtask render` process",
        m.one_process,
    );
    row(
        "one evaluation of apps.k, fresh python3 process loading kcl_lib",
        m.one_python,
    );
    row("whole matrix, apps step only, in-process", m.matrix_apps);
    row("whole matrix, full pipeline, in-process", m.matrix_pipeline);
    row(
        "whole matrix, full pipeline, a fresh `cargo xtask render` process per render",
        m.matrix_per_process,
    );
    row(
        "whole matrix, apps step only, a fresh python3 process per render (`kcl run` per case)",
        m.matrix_python,
    );
    row(
        "`cargo xtask codegen --check` (built; the KCL and the package)",
        m.codegen_check,
    );
    println!();
    println!(
        "full pipeline vs apps step only, one render: {:.1}x the time",
        ratio(m.one_pipeline, m.one_apps)
    );
    println!(
        "full pipeline vs apps step only, whole matrix: {:.1}x the time",
        ratio(m.matrix_pipeline, m.matrix_apps)
    );
    println!(
        "apps step in-process vs a fresh python3 process per evaluation: {:.1}x faster",
        ratio(m.one_python, m.one_apps)
    );
    println!(
        "whole matrix, apps step in-process vs a python3 process per render: {:.1}x faster",
        ratio(m.matrix_python, m.matrix_apps)
    );
    println!(
        "whole matrix, full pipeline in-process vs a `cargo xtask render` process per render: {:.1}x faster",
        ratio(m.matrix_per_process, m.matrix_pipeline)
    );
    let k = &m.kcl_render;
    println!();
    println!("| kcl-render over package/ vs the render of kcl/ | kcl-render | kcl/ |");
    println!("|---|---|---|");
    pair(
        "load (Renderer::load of package/, Pipeline::load of kcl/)",
        k.load,
    );
    pair("one render, in-process (every-app, google)", k.one);
    pair("whole matrix, in-process", k.matrix);
    pair(
        "one render, fresh process (`kcl-render`, `cargo xtask render`)",
        k.process,
    );
    println!(
        "kcl-render over package/ vs the render of kcl/: {:.2}x the time to load, {:.2}x for one render, {:.2}x for the matrix, {:.2}x for a fresh process",
        ratio(k.load.0, k.load.1),
        ratio(k.one.0, k.one.1),
        ratio(k.matrix.0, k.matrix.1),
        ratio(k.process.0, k.process.1)
    );
    if let Some(a) = &m.against {
        println!();
        println!(
            "| apps step, in-process | kcl/apps.k + manifests.k ({} lines) | {} ({} lines) |",
            m.apps_step_lines,
            a.path.display(),
            a.lines
        );
        println!("|---|---|---|");
        println!(
            "| one render ({}, google) | {:.1} ms | {:.1} ms |",
            a.one_case,
            ms(a.one.0),
            ms(a.one.1)
        );
        println!(
            "| the {} renders both compose alike | {:.1} ms | {:.1} ms |",
            a.cases,
            ms(a.matrix.0),
            ms(a.matrix.1)
        );
        println!(
            "kcl/apps.k vs {}: {:.2}x the time for one render, {:.2}x for the matrix",
            a.path.display(),
            ratio(a.one.0, a.one.1),
            ratio(a.matrix.0, a.matrix.1)
        );
    }
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

fn pair(name: &str, (a, b): (Duration, Duration)) {
    println!("| {name} | {:.1} ms | {:.1} ms |", ms(a), ms(b));
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1000.0
}
