//! Kubernetes quantities (`500m`, `1Gi`, `1e3`) as amounts, for comparisons: a limit below its
//! request, a storage request that shrinks. Shared by the rules and the diff.

/// The amount a Kubernetes quantity stands for: `500m` → 0.5, `1Gi` → 1073741824, `1e3` → 1000.
pub fn amount(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let binary = |power: i32| 1024_f64.powi(power);
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => binary(1),
        "Mi" => binary(2),
        "Gi" => binary(3),
        "Ti" => binary(4),
        "Pi" => binary(5),
        "Ei" => binary(6),
        exponent => {
            let digits = exponent.strip_prefix(['e', 'E'])?;
            10_f64.powi(digits.parse().ok()?)
        }
    };
    Some(number * factor)
}

#[cfg(test)]
mod tests {
    use super::amount;

    #[test]
    fn amounts() {
        assert_eq!(amount("1Gi"), Some(1073741824.0));
        assert_eq!(amount("500m"), Some(0.5));
        assert_eq!(amount("1e3"), Some(1000.0));
        assert_eq!(amount("1Gb"), None);
    }
}
