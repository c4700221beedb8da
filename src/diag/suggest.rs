//! "Did you mean": the known word closest to a misspelt one, for help lines.

/// A help line that proposes the closest known word, or `fallback`.
pub fn suggest_help<'a>(
    word: &str,
    known: impl IntoIterator<Item = &'a str>,
    fallback: &str,
) -> String {
    match did_you_mean(word, known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => fallback.to_owned(),
    }
}

/// The known word closest to `word`, if one is close enough to be a likely typo: at most one
/// edit (Damerau-Levenshtein: a transposition is one) for every three characters, as rustc and
/// cargo allow. More would propose words that merely share letters (`headless`: `readiness`).
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = word.chars().count().max(3) / 3;
    known
        .into_iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), k))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(
            did_you_mean("replica", ["replicas", "image"]),
            Some("replicas")
        );
        assert_eq!(did_you_mean("zzzzzz", ["replicas", "image"]), None);
        assert_eq!(did_you_mean("raedyness", ["readiness"]), Some("readiness"));
        assert_eq!(did_you_mean("imgae", ["image"]), Some("image"));
        // Three edits in eight characters is another word, not a typo.
        assert_eq!(did_you_mean("headless", ["readiness", "liveness"]), None);
        assert_eq!(did_you_mean("pot", ["port"]), Some("port"));
    }
}
