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

/// The known word closest to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1) + usize::from(word.len() > 6);
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
    }
}
