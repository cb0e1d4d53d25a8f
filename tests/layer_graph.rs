//! The formatting layer's module graph has no cycle: `text` <- `flags` <- `args` <- `fmt`.
//!
//! Each module's dependencies are the `crate::<module>` paths its files name (code and
//! documentation links alike); a module may name only the modules below it in the layer
//! (and the crate's core modules).

use std::collections::BTreeSet;
use std::path::Path;

/// The layer, bottom first: each may depend on those before it, never on those after.
const LAYER: [&str; 4] = ["text", "flags", "args", "fmt"];

fn sources(module: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let dir = src.join(module);
    // `src/<module>/*.rs`, or `src/<module>.rs` (either, or both).
    let mut texts = Vec::new();
    if let Ok(text) = std::fs::read_to_string(src.join(format!("{module}.rs"))) {
        texts.push(text);
    }
    if dir.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        texts.extend(files.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    }
    assert!(!texts.is_empty(), "no source for {module}");
    texts
}

fn dependencies(module: &str) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    for text in sources(module) {
        for (at, _) in text.match_indices("crate::") {
            let name: String = text[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != module {
                deps.insert(name);
            }
        }
    }
    deps
}

#[test]
fn no_module_of_the_layer_names_one_above_it() {
    if !Path::new(env!("CARGO_MANIFEST_DIR")).join("src").is_dir() {
        // A cross run in a VM has no source tree (tools/cross/README.md).
        println!("layer_graph: skipped: no source tree here");
        return;
    }
    for (i, module) in LAYER.iter().enumerate() {
        let deps = dependencies(module);
        println!("{module} -> {deps:?}");
        for above in &LAYER[i + 1..] {
            assert!(!deps.contains(*above), "{module} names crate::{above}");
        }
    }
    assert!(dependencies("text").is_empty(), "text is the leaf");
}
