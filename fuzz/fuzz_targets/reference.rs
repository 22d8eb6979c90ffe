//! `Reference::parse` on any text: never panics, and whatever it accepts reads back the same
//! from both its full and its familiar (Display) forms.
#![no_main]

use hoist::harness::Reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let reference = match Reference::parse(text) {
        Ok(reference) => reference,
        Err(error) => {
            assert!(error.to_string().starts_with("invalid reference format"), "{error}");
            return;
        }
    };
    let full = reference.full();
    assert_eq!(Reference::parse(&full).as_ref(), Ok(&reference), "full form {full:?} of {text:?}");
    let familiar = reference.to_string();
    assert_eq!(Reference::parse(&familiar).as_ref(), Ok(&reference), "familiar form {familiar:?} of {text:?}");
    let _ = (reference.familiar_name(), reference.api_host(), reference.tag_or_default());
    let _ = reference.clone().with_default_tag().full();
});
