//! What the Kubernetes schema says of an object: whether its kind's typed form (from
//! `k8s-openapi`) reads it back whole. Used for the objects Windlass does not build itself — a
//! patched object, an included manifest — where a misspelt field or a value of the wrong type
//! would otherwise reach the API server.

use serde_json::Value;

/// What of `object` its kind's schema does not read back the same: a field it does not know,
/// or a value of another type. `None` when it reads back whole, or the kind is not one
/// Windlass writes.
pub fn problem(object: &Value) -> Option<String> {
    use k8s_openapi::api::{apps, autoscaling, batch, core, networking, policy, rbac};
    fn round<T: serde::de::DeserializeOwned + serde::Serialize>(object: &Value) -> Option<String> {
        let typed: T = match serde_json::from_value(object.clone()) {
            Ok(t) => t,
            Err(e) => return Some(format!("not what the API reads: {e}")),
        };
        let back = serde_json::to_value(&typed).ok()?;
        first_lost(object, &back, "").map(|path| format!("`{path}` is not a field of it"))
    }
    match object["kind"].as_str()? {
        "Deployment" => round::<apps::v1::Deployment>(object),
        "StatefulSet" => round::<apps::v1::StatefulSet>(object),
        "Service" => round::<core::v1::Service>(object),
        "ServiceAccount" => round::<core::v1::ServiceAccount>(object),
        "ConfigMap" => round::<core::v1::ConfigMap>(object),
        "PersistentVolumeClaim" => round::<core::v1::PersistentVolumeClaim>(object),
        "Namespace" => round::<core::v1::Namespace>(object),
        "Job" => round::<batch::v1::Job>(object),
        "CronJob" => round::<batch::v1::CronJob>(object),
        "HorizontalPodAutoscaler" => round::<autoscaling::v2::HorizontalPodAutoscaler>(object),
        "PodDisruptionBudget" => round::<policy::v1::PodDisruptionBudget>(object),
        "Ingress" => round::<networking::v1::Ingress>(object),
        "NetworkPolicy" => round::<networking::v1::NetworkPolicy>(object),
        "Role" => round::<rbac::v1::Role>(object),
        "RoleBinding" => round::<rbac::v1::RoleBinding>(object),
        "Secret" => round::<core::v1::Secret>(object),
        "Pod" => round::<core::v1::Pod>(object),
        "LimitRange" => round::<core::v1::LimitRange>(object),
        "ResourceQuota" => round::<core::v1::ResourceQuota>(object),
        "DaemonSet" => round::<apps::v1::DaemonSet>(object),
        "ReplicaSet" => round::<apps::v1::ReplicaSet>(object),
        "EndpointSlice" => round::<k8s_openapi::api::discovery::v1::EndpointSlice>(object),
        _ => None,
    }
}

/// The first path in `written` that `read` lost, as `spec.template.spec.priorityClasName`.
fn first_lost(written: &Value, read: &Value, path: &str) -> Option<String> {
    match (written, read) {
        (Value::Object(w), Value::Object(r)) => w.iter().find_map(|(k, v)| {
            let here = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match r.get(k) {
                None if !v.is_null() => Some(here),
                None => None,
                Some(rv) => first_lost(v, rv, &here),
            }
        }),
        (Value::Array(w), Value::Array(r)) => w
            .iter()
            .zip(r)
            .enumerate()
            .find_map(|(i, (wv, rv))| first_lost(wv, rv, &format!("{path}[{i}]"))),
        _ => None,
    }
}
