//! Several files written all or nothing: nothing is replaced until every file is staged,
//! and a replacement that fails part-way puts back what was replaced before it.

use std::fs;
use std::path::Path;

use kcl_codegen::staged::Staged;

/// Every entry of a directory, with its contents (`None` for a directory).
fn snapshot(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, fs::read(&path).ok())
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn a_file_that_cannot_be_replaced_part_way_puts_back_the_files_replaced_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (data, apps, manifests) = (
        dir.path().join("data.k"),
        dir.path().join("apps.k"),
        dir.path().join("manifests.k"),
    );
    fs::write(&data, "data = 1\r\n").unwrap();
    fs::write(&manifests, "manifests = 1\n").unwrap();
    // apps.k is new; data.k changes; manifests.k is replaced last, and fails.
    let staged = Staged::new([
        (&data, "data = 2\n"),
        (&apps, "apps = 2\n"),
        (&manifests, "manifests = 2\n"),
    ])
    .unwrap();
    let before = snapshot(dir.path());
    // Something turns manifests.k into a non-empty directory after it was staged: renaming
    // a file over it fails, for root too.
    fs::remove_file(&manifests).unwrap();
    fs::create_dir(&manifests).unwrap();
    fs::write(manifests.join("keep"), "").unwrap();
    let error = staged.commit().unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot replace {} (", manifests.display()))
            && error.to_string().ends_with("): no file was changed"),
        "the error names the file that failed: {error}"
    );
    assert_eq!(
        fs::read(&data).unwrap(),
        b"data = 1\r\n",
        "data.k is put back"
    );
    assert!(!apps.exists(), "apps.k, new, is removed");
    let after: Vec<_> = snapshot(dir.path())
        .into_iter()
        .filter(|(name, _)| name != "manifests.k")
        .collect();
    let before: Vec<_> = before
        .into_iter()
        .filter(|(name, _)| name != "manifests.k" && !name.starts_with(".tmp"))
        .collect();
    assert_eq!(
        after, before,
        "every other file is as it was, and no temporary file is left"
    );
}

#[test]
fn a_file_that_cannot_be_staged_changes_nothing_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (data, package) = (dir.path().join("data.k"), dir.path().join("package"));
    fs::write(&data, "data = 1\n").unwrap();
    // A directory where a file is expected: it cannot be copied aside, for root too.
    fs::create_dir(&package).unwrap();
    let before = snapshot(dir.path());
    let error = Staged::new([(&data, "data = 2\n"), (&package, "package = 2\n")]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot stage {} (", package.display()))
            && error.to_string().ends_with("): no file was changed"),
        "{error}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
#[cfg(unix)]
fn a_committed_file_keeps_its_mode_and_a_new_one_is_0644() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old.k"), dir.path().join("new.k"));
    fs::write(&old, "old\n").unwrap();
    fs::set_permissions(&old, fs::Permissions::from_mode(0o640)).unwrap();
    Staged::new([(&old, "x\n"), (&new, "y\n")])
        .unwrap()
        .commit()
        .unwrap();
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&old), mode(&new)), (0o640, 0o644));
    assert_eq!(snapshot(dir.path()).len(), 2, "no temporary file is left");
}
