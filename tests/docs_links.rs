//! The repository stands alone: every relative link in its Markdown files
//! points at a file that exists inside it (a standalone clone has nothing
//! beside it), and the contract it follows is its own `docs/protocol.md`.

use std::path::{Component, Path, PathBuf};

/// Markdown files tracked here (walked, so a new one is checked too).
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The targets of `[text](target)` links in `text`.
fn links(text: &str) -> Vec<&str> {
    text.match_indices("](")
        .filter_map(|(i, _)| {
            let rest = &text[i + 2..];
            rest.find(')').map(|end| &rest[..end])
        })
        .collect()
}

/// `base/target` with `.` and `..` folded, without touching the disk.
fn resolve(base: &Path, target: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in base.join(target).components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

#[test]
fn no_link_leaves_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    markdown_files(root, &mut files);
    assert!(files.len() >= 3, "found the Markdown files: {files:?}");
    let mut bad = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable");
        let dir = file.parent().expect("in a folder");
        for target in links(&text) {
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                continue;
            }
            let inside = resolve(dir, path).filter(|p| p.starts_with(root) && p.exists());
            if inside.is_none() {
                bad.push(format!("{}: ({target})", file.strip_prefix(root).unwrap().display()));
            }
        }
        if text.contains("../shared/") {
            bad.push(format!("{}: names ../shared/", file.strip_prefix(root).unwrap().display()));
        }
    }
    assert!(bad.is_empty(), "links that leave the repository or lead nowhere: {bad:#?}");
}

#[test]
fn the_contract_is_in_the_repository_at_version_1_1() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let contract =
        std::fs::read_to_string(root.join("docs/protocol.md")).expect("docs/protocol.md");
    assert!(contract.starts_with("# Meridian wire contract, version 1.1"));
    for section in ["## 1a. Price history", "### 3a. Monitoring history", "### 3b. Alert state"] {
        assert!(contract.contains(section), "{section}");
    }
    assert!(contract.contains("### 5a. Claims") && contract.contains("X-User"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    assert!(readme.contains("](docs/protocol.md)"), "the README points at the contract");
}
