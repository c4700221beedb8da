//! An independent judge of the objects' selectors: no controller's selector matches another
//! controller's pods (a Deployment would count, scale and disrupt another's pods as its own),
//! and every Service selects the pods of its workload — every track of it, unless it names one.

use serde_json::{Map, Value};

/// The labels `selector` asks for, when it is a plain map or a `matchLabels` selector.
fn wanted(selector: &Value) -> Option<&Map<String, Value>> {
    selector
        .get("matchLabels")
        .unwrap_or(selector)
        .as_object()
        .filter(|m| !m.is_empty())
}

/// Whether `labels` carry every label of `selector`.
fn matches(selector: &Map<String, Value>, labels: &Value) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Every problem with the selectors of `objects`, in words.
pub fn problems(objects: &[&Value]) -> Vec<String> {
    let controllers: Vec<&Value> = objects
        .iter()
        .copied()
        .filter(|o| o["kind"] == "Deployment" || o["kind"] == "StatefulSet")
        .collect();
    let id = |o: &Value| {
        format!(
            "{}/{}",
            o["kind"].as_str().unwrap_or("?"),
            o["metadata"]["name"].as_str().unwrap_or("?")
        )
    };
    let mut out = Vec::new();
    for a in &controllers {
        let Some(selector) = wanted(&a["spec"]["selector"]) else {
            out.push(format!("{} has no selector", id(a)));
            continue;
        };
        for b in &controllers {
            let pods = &b["spec"]["template"]["metadata"]["labels"];
            let same = std::ptr::eq(*a, *b);
            match (same, matches(selector, pods)) {
                (true, false) => out.push(format!("{} does not select its own pods", id(a))),
                (false, true) if a["metadata"]["namespace"] == b["metadata"]["namespace"] => {
                    out.push(format!("{} selects the pods of {}", id(a), id(b)));
                }
                _ => {}
            }
        }
    }
    for service in objects.iter().filter(|o| o["kind"] == "Service") {
        let Some(selector) = wanted(&service["spec"]["selector"]) else {
            continue;
        };
        let workload = selector.get("app.kubernetes.io/name");
        let selected: Vec<&&Value> = controllers
            .iter()
            .filter(|c| matches(selector, &c["spec"]["template"]["metadata"]["labels"]))
            .collect();
        if selected.is_empty() {
            out.push(format!("{} selects no pods", id(service)));
        }
        if !selector.contains_key("app.kubernetes.io/track") {
            for c in &controllers {
                let pods = &c["spec"]["template"]["metadata"]["labels"];
                if pods.get("app.kubernetes.io/name") == workload
                    && c["metadata"]["namespace"] == service["metadata"]["namespace"]
                    && !matches(selector, pods)
                {
                    out.push(format!("{} misses the pods of {}", id(service), id(c)));
                }
            }
        }
    }
    out
}
