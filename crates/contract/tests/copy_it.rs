//! Every pattern README's "Copy it" section is what the sources make of it: the snippets a
//! reader copies are the compiled ones (`scripts/copy-check.sh` also builds and runs them).

use contract::copy_it;

#[test]
fn every_copy_it_section_is_up_to_date() {
    let patterns = copy_it::patterns();
    assert!(patterns.len() >= 8, "patterns found: {patterns:?}");
    for pattern in patterns {
        let readme = copy_it::Readme::of(&pattern).unwrap_or_else(|e| panic!("{e}"));
        let snippets = copy_it::from_sources(&pattern).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            readme.is_fresh(),
            "crates/{pattern}/README.md: the \"Copy it\" section is out of date: \
             run scripts/copy-check.sh --write crates/{pattern}"
        );
        // And it reads back as the same three blocks per runtime.
        let read_back = copy_it::from_readme(&readme.text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_back.len(), snippets.len());
        for (back, source) in read_back.iter().zip(&snippets) {
            assert_eq!(back.runtime, source.runtime);
            assert_eq!(back.dependencies, source.dependencies);
            assert_eq!(back.main, format!("// src/main.rs\n{}", source.main));
        }
    }
}
