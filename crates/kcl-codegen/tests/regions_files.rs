//! Generated regions on disk: bodies that would break the next run, convergence of
//! KCL regions, all-or-nothing writes across files, line endings and symlinks.

use std::fs;
use std::path::Path;

use kcl_codegen::ast::{Expr, Module, Stmt};
use kcl_codegen::regions::{
    Generated, Mode, RegionErrorKind, find, replace, splice_kcl_file, update,
};

#[test]
fn a_body_holding_a_marker_line_is_refused_before_it_reaches_a_file() {
    let text = "# BEGIN GENERATED pins\nold = 1\n# END GENERATED pins\n";
    let body = "url = \"https://example.com/\n# END GENERATED pins\n\"\n";
    let error = replace(Path::new("kcl/apps.k"), text, &[("pins", body)]).unwrap_err();
    assert_eq!(
        error.kind,
        RegionErrorKind::MarkerInBody {
            name: "pins".into(),
            body_line: 2,
        },
        "{error}"
    );
    assert_eq!(error.line, Some(1), "the region's BEGIN line: {error}");
    // A line that only mentions a marker further in is no marker, and is kept.
    let body = "x = \"# END GENERATED pins\"\n";
    let replaced = replace(Path::new("kcl/apps.k"), text, &[("pins", body)]).unwrap();
    assert!(find(Path::new("kcl/apps.k"), &replaced).is_ok());
}

fn module(name: &str) -> Module {
    Module {
        body: vec![Stmt::assign(name, Expr::str("v"))],
    }
}

#[test]
fn one_kcl_codegen_run_converges_when_a_later_region_was_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apps.k");
    // What adding new markers produces: the second region is still empty.
    fs::write(
        &path,
        "# BEGIN GENERATED a\n# END GENERATED a\n\n# BEGIN GENERATED b\n# END GENERATED b\n",
    )
    .unwrap();
    let modules = [("a", module("a")), ("b", module("b"))];
    let first = splice_kcl_file(&path, &modules).unwrap();
    update(std::slice::from_ref(&first), Mode::Write).unwrap();
    let second = splice_kcl_file(&path, &modules).unwrap();
    assert_eq!(
        second.contents, first.contents,
        "a second run changes the file"
    );
    assert!(update(&[second], Mode::Check).unwrap().is_up_to_date());
}

#[test]
fn no_file_is_written_when_another_cannot_be() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.k");
    fs::write(&good, "old\n").unwrap();
    let files = [
        Generated {
            path: good.clone(),
            contents: "new\n".into(),
        },
        // Its directory does not exist: its temporary file cannot be made.
        Generated {
            path: dir.path().join("missing/bad.k"),
            contents: "new\n".into(),
        },
    ];
    let error = update(&files, Mode::Write).unwrap_err();
    assert!(error.to_string().contains("missing"), "{error}");
    assert_eq!(fs::read_to_string(&good).unwrap(), "old\n");
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "temporary files are removed: {leftovers:?}"
    );
}

#[test]
fn a_crlf_file_gets_crlf_bodies() {
    let text = "a = 1\r\n# BEGIN GENERATED x\r\nold\r\n# END GENERATED x\r\nb = 2\r\n";
    let replaced = replace(Path::new("x.k"), text, &[("x", "one\ntwo")]).unwrap();
    assert_eq!(
        replaced,
        "a = 1\r\n# BEGIN GENERATED x\r\none\r\ntwo\r\n# END GENERATED x\r\nb = 2\r\n"
    );
}

#[test]
#[cfg(unix)]
fn a_symlinked_file_is_written_through_to_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.k");
    let link = dir.path().join("link.k");
    fs::write(&target, "old\n").unwrap();
    std::os::unix::fs::symlink("real.k", &link).unwrap();
    let generated = Generated {
        path: link.clone(),
        contents: "new\n".into(),
    };
    let report = update(&[generated], Mode::Write).unwrap();
    assert_eq!(report.stale.len(), 1);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "new\n");
}
