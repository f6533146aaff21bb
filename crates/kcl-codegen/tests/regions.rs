//! Generated regions: splicing bodies into hand-written text, marker errors, and the
//! compare-or-write step.

use std::fs;
use std::path::{Path, PathBuf};

use kcl_codegen::regions::{
    Generated, Mode, Region, RegionError, RegionErrorKind, find, replace, splice_file, update,
    update_in,
};

fn path() -> &'static Path {
    Path::new("kcl/apps.k")
}

const FILE: &str = "\
import regex

# BEGIN GENERATED pins (from the Rust types): do not edit
redis = \"2.18.0\"
# END GENERATED pins

_items = []
# BEGIN GENERATED apps (from the Rust types): do not edit
# END GENERATED apps
";

#[test]
fn find_reports_names_body_ranges_and_marker_lines() {
    let regions = find(path(), FILE).unwrap();
    let pins_body = FILE.find("redis").unwrap()..FILE.find("# END GENERATED pins").unwrap();
    let apps_body = FILE.find("# END GENERATED apps").unwrap();
    assert_eq!(
        regions,
        [
            Region {
                name: "pins".into(),
                body: pins_body,
                begin_line: 3,
                end_line: 5,
            },
            Region {
                name: "apps".into(),
                body: apps_body..apps_body,
                begin_line: 8,
                end_line: 9,
            },
        ]
    );
}

#[test]
fn replace_swaps_bodies_and_adds_a_missing_final_newline() {
    let bodies = [("pins", "redis = \"2.19.0\"\n"), ("apps", "_items += []")];
    let replaced = replace(path(), FILE, &bodies).unwrap();
    assert_eq!(
        replaced,
        "\
import regex

# BEGIN GENERATED pins (from the Rust types): do not edit
redis = \"2.19.0\"
# END GENERATED pins

_items = []
# BEGIN GENERATED apps (from the Rust types): do not edit
_items += []
# END GENERATED apps
"
    );
}

#[test]
fn replace_keeps_text_outside_the_bodies_byte_for_byte() {
    // CRLF line endings, tabs, trailing spaces, markers with trailing whitespace, an empty
    // region, and no newline at the end of the file.
    let head = "a = 1\r\n\t# tab\t \n\n  \n# BEGIN GENERATED x-1_y whatever  \r\n";
    let tail = "# END GENERATED x-1_y \t\r\n\r\n# BEGIN GENERATED b\n# END GENERATED b\ntail  \t";
    let text = format!("{head}old\r\n{tail}");
    let replaced = replace(path(), &text, &[("x-1_y", "new\n"), ("b", "")]).unwrap();
    assert_eq!(replaced, format!("{head}new\n{tail}"));
}

#[test]
fn replace_twice_gives_the_same_bytes() {
    let bodies = [("pins", "redis = \"2.19.0\"\n"), ("apps", "_items += []\n")];
    let once = replace(path(), FILE, &bodies).unwrap();
    let twice = replace(path(), &once, &bodies).unwrap();
    assert_eq!(once, twice);
}

// ---- Marker errors: each names the file and the line ----

fn find_error(text: &str) -> RegionError {
    find(path(), text).unwrap_err()
}

fn assert_at(error: &RegionError, line: usize) {
    assert_eq!(error.path, path(), "{error}");
    assert_eq!(error.line, Some(line), "{error}");
    assert!(
        error
            .to_string()
            .starts_with(&format!("kcl/apps.k:{line}: ")),
        "{error}"
    );
}

#[test]
fn begin_without_end_is_an_error_at_the_begin_line() {
    let error = find_error("a = 1\n# BEGIN GENERATED apps: x\nb = 2\n");
    assert_at(&error, 2);
    assert_eq!(
        error.kind,
        RegionErrorKind::MissingEnd {
            name: "apps".into()
        }
    );
}

#[test]
fn end_without_begin_is_an_error_at_the_end_line() {
    let error = find_error("a = 1\n\n# END GENERATED apps\n");
    assert_at(&error, 3);
    assert_eq!(
        error.kind,
        RegionErrorKind::EndWithoutBegin {
            name: "apps".into()
        }
    );
}

#[test]
fn duplicated_region_name_is_an_error_at_the_second_begin() {
    let text = "# BEGIN GENERATED apps\n# END GENERATED apps\n\n# BEGIN GENERATED apps\n# END GENERATED apps\n";
    let error = find_error(text);
    assert_at(&error, 4);
    assert_eq!(
        error.kind,
        RegionErrorKind::Duplicate {
            name: "apps".into(),
            first_line: 1
        }
    );
}

#[test]
fn nested_begin_is_an_error_at_the_inner_begin() {
    let text = "# BEGIN GENERATED apps\nx = 1\n# BEGIN GENERATED pins\n# END GENERATED pins\n# END GENERATED apps\n";
    let error = find_error(text);
    assert_at(&error, 3);
    assert_eq!(
        error.kind,
        RegionErrorKind::Nested {
            name: "pins".into(),
            open: "apps".into()
        }
    );
}

#[test]
fn end_naming_another_region_is_an_error_at_the_end_line() {
    let error = find_error("# BEGIN GENERATED apps\nx = 1\n# END GENERATED pins\n");
    assert_at(&error, 3);
    assert_eq!(
        error.kind,
        RegionErrorKind::MismatchedEnd {
            open: "apps".into(),
            found: "pins".into()
        }
    );
}

#[test]
fn marker_without_a_name_is_an_error() {
    assert_at(&find_error("x = 1\n# BEGIN GENERATED\n"), 2);
    assert_at(&find_error("# BEGIN GENERATED !apps\n"), 1);
    let error = find_error("# BEGIN GENERATED apps\n# END GENERATED apps extra\n");
    assert_at(&error, 2);
    assert_eq!(error.kind, RegionErrorKind::MalformedMarker);
}

#[test]
fn indented_or_prose_mentions_are_not_markers() {
    let text = "  # BEGIN GENERATED apps\n# The BEGIN GENERATED apps line\n";
    assert_eq!(find(path(), text).unwrap(), []);
}

#[test]
fn body_for_a_region_the_file_lacks_is_an_error() {
    let bodies = [("pins", ""), ("apps", ""), ("objects", "")];
    let error = replace(path(), FILE, &bodies).unwrap_err();
    assert_eq!(error.line, None);
    assert_eq!(
        error.kind,
        RegionErrorKind::MissingRegion {
            name: "objects".into()
        }
    );
    assert!(error.to_string().starts_with("kcl/apps.k: "), "{error}");
}

#[test]
fn region_without_a_body_is_an_error_so_stale_text_cannot_survive() {
    let error = replace(path(), FILE, &[("apps", "")]).unwrap_err();
    assert_at(&error, 3);
    assert_eq!(
        error.kind,
        RegionErrorKind::NotGenerated {
            name: "pins".into()
        }
    );
}

#[test]
fn two_bodies_for_one_region_is_an_error() {
    let bodies = [("pins", ""), ("apps", ""), ("pins", "x")];
    let error = replace(path(), FILE, &bodies).unwrap_err();
    assert_eq!(
        error.kind,
        RegionErrorKind::DuplicateBody {
            name: "pins".into()
        }
    );
}

// ---- Files ----

/// A directory holding `apps.k` (with `FILE`) and `data.k`.
fn project() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let apps = dir.path().join("apps.k");
    let data = dir.path().join("data.k");
    fs::write(&apps, FILE).unwrap();
    fs::write(
        &data,
        "# BEGIN GENERATED data\nappRedis = {}\n# END GENERATED data\n",
    )
    .unwrap();
    (dir, apps, data)
}

/// New contents for both files: `apps.k` changes, `data.k` does not.
fn generate(apps: &Path, data: &Path) -> Vec<Generated> {
    let apps_bodies = [("pins", "redis = \"2.19.0\"\n"), ("apps", "")];
    vec![
        splice_file(apps, &apps_bodies).unwrap(),
        splice_file(data, &[("data", "appRedis = {}\n")]).unwrap(),
    ]
}

#[test]
fn check_mode_reports_a_unified_diff_and_writes_nothing() {
    let (_dir, apps, data) = project();
    let report = update(&generate(&apps, &data), Mode::Check).unwrap();
    assert_eq!(fs::read_to_string(&apps).unwrap(), FILE);
    assert_eq!(report.stale.len(), 1);
    assert_eq!(report.stale[0].path, apps);
    let a = apps.display();
    let lines = [
        &format!("--- a/{a}"),
        &format!("+++ b/{a}"),
        "@@ -1,7 +1,7 @@",
        " import regex",
        " ",
        " # BEGIN GENERATED pins (from the Rust types): do not edit",
        "-redis = \"2.18.0\"",
        "+redis = \"2.19.0\"",
        " # END GENERATED pins",
        " ",
        " _items = []",
    ];
    let expected: String = lines.iter().map(|line| format!("{line}\n")).collect();
    assert_eq!(report.stale[0].diff, expected);
    assert!(!report.is_up_to_date());
    assert_eq!(report.to_string(), report.stale[0].diff);
}

#[test]
fn update_in_a_directory_reads_and_writes_there_and_names_files_as_given() {
    let (dir, apps, data) = project();
    let relative = |file: Generated| Generated {
        path: file.path.strip_prefix(dir.path()).unwrap().to_owned(),
        ..file
    };
    let files: Vec<Generated> = generate(&apps, &data).into_iter().map(relative).collect();
    let report = update_in(dir.path(), &files, Mode::Check).unwrap();
    assert_eq!(report.stale.len(), 1);
    assert_eq!(report.stale[0].path, Path::new("apps.k"));
    assert!(
        report.stale[0]
            .diff
            .starts_with("--- a/apps.k\n+++ b/apps.k\n"),
        "{}",
        report.stale[0].diff
    );
    update_in(dir.path(), &files, Mode::Write).unwrap();
    assert!(
        fs::read_to_string(&apps)
            .unwrap()
            .contains("redis = \"2.19.0\"\n")
    );
    assert!(
        update_in(dir.path(), &files, Mode::Check)
            .unwrap()
            .is_up_to_date()
    );
}

#[test]
#[cfg(unix)]
fn write_mode_replaces_stale_files_atomically_and_keeps_their_permissions() {
    let (_dir, apps, data) = project();
    set_mode(&apps, 0o640);
    let before = inode(&apps);
    let report = update(&generate(&apps, &data), Mode::Write).unwrap();
    assert_eq!(report.stale.len(), 1);
    assert!(
        fs::read_to_string(&apps)
            .unwrap()
            .contains("redis = \"2.19.0\"\n")
    );
    // A new inode: the file was renamed over, not rewritten in place.
    assert_ne!(inode(&apps), before);
    assert_eq!(mode(&apps), 0o640);
}

#[test]
#[cfg(unix)]
fn write_mode_leaves_up_to_date_files_alone() {
    let (_dir, apps, data) = project();
    let before = (
        inode(&data),
        fs::metadata(&data).unwrap().modified().unwrap(),
    );
    update(&generate(&apps, &data), Mode::Write).unwrap();
    let after = (
        inode(&data),
        fs::metadata(&data).unwrap().modified().unwrap(),
    );
    assert_eq!(before, after);
}

#[test]
fn second_run_finds_nothing_stale_and_gives_the_same_bytes() {
    let (_dir, apps, data) = project();
    update(&generate(&apps, &data), Mode::Write).unwrap();
    let first = fs::read(&apps).unwrap();
    let report = update(&generate(&apps, &data), Mode::Write).unwrap();
    assert!(report.is_up_to_date());
    assert_eq!(fs::read(&apps).unwrap(), first);
}

#[test]
fn crlf_on_disk_counts_as_lf() {
    let (_dir, _apps, data) = project();
    fs::write(
        &data,
        "# BEGIN GENERATED data\r\nappRedis = {}\r\n# END GENERATED data\r\n",
    )
    .unwrap();
    let generated = Generated {
        path: data.clone(),
        contents: "# BEGIN GENERATED data\nappRedis = {}\n# END GENERATED data\n".into(),
    };
    let report = update(&[generated], Mode::Check).unwrap();
    assert!(report.is_up_to_date(), "{report}");
}

#[test]
fn missing_file_is_created_by_write_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.k");
    let generated = Generated {
        path: path.clone(),
        contents: "a = 1\n".into(),
    };
    let report = update(std::slice::from_ref(&generated), Mode::Check).unwrap();
    assert_eq!(report.stale.len(), 1);
    assert!(!path.exists());
    update(&[generated], Mode::Write).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "a = 1\n");
}

#[test]
fn splice_file_names_the_file_in_marker_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.k");
    fs::write(&path, "x = 1\n# END GENERATED apps\n").unwrap();
    let error = splice_file(&path, &[("apps", "")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}:2: `# END GENERATED apps` without a `# BEGIN GENERATED apps` line before it",
            path.display()
        )
    );
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap())
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}
