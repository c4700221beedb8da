//! Controllers, replicas, autoscaling, disruption budgets, claims, files and jobs.

use super::*;

#[test]
fn autoscale_omits_replicas_and_defaults_to_cpu_80() {
    let mut api = workload("api", WorkloadKind::Service);
    api.replicas = Some(3);
    api.autoscale = Some(autoscale(2, 6));
    let manifests = lower(&app(vec![api]));
    assert!(
        find(&manifests, "Deployment", "api")["spec"]
            .get("replicas")
            .is_none()
    );
    let hpa = find(&manifests, "HorizontalPodAutoscaler", "api");
    assert_eq!(hpa["apiVersion"], "autoscaling/v2");
    assert_eq!(
        hpa["spec"],
        json!({
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"},
            "minReplicas": 2,
            "maxReplicas": 6,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80}}}],
        })
    );
}

#[test]
fn replicas_default_to_one_without_budget_or_spread() {
    let manifests = lower(&app(vec![workload("api", WorkloadKind::Service)]));
    let deployment = find(&manifests, "Deployment", "api");
    assert_eq!(deployment["spec"]["replicas"], 1);
    assert!(
        pod_spec(deployment)
            .get("topologySpreadConstraints")
            .is_none()
    );
    assert!(!has(&manifests, "PodDisruptionBudget", "api"));
}

#[test]
fn disruption_budget_follows_replicas_and_explicit_settings() {
    let mut two = workload("two", WorkloadKind::Service);
    two.replicas = Some(2);
    let mut scaled = workload("scaled", WorkloadKind::Service);
    scaled.autoscale = Some(autoscale(1, 5));
    let mut explicit = workload("explicit", WorkloadKind::Stateful);
    explicit.disruption = Disruption::MinAvailable(IntOrPercent::Percent("50%".into()));
    let mut none = workload("none", WorkloadKind::Service);
    none.replicas = Some(4);
    none.disruption = Disruption::None;
    let mut job = workload("job", WorkloadKind::Job);
    job.disruption = Disruption::MaxUnavailable(IntOrPercent::Int(1));
    let manifests = lower(&app(vec![two, scaled, explicit, none, job]));

    assert_eq!(
        find(&manifests, "PodDisruptionBudget", "two")["spec"]["maxUnavailable"],
        1
    );
    // min 1: no budget, but the autoscaler may add pods, so they are spread.
    assert!(!has(&manifests, "PodDisruptionBudget", "scaled"));
    let scaled = find(&manifests, "Deployment", "scaled");
    assert_eq!(
        pod_spec(scaled)["topologySpreadConstraints"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let explicit = find(&manifests, "PodDisruptionBudget", "explicit");
    assert_eq!(explicit["spec"]["minAvailable"], "50%");
    assert!(explicit["spec"].get("maxUnavailable").is_none());
    assert!(!has(&manifests, "PodDisruptionBudget", "none"));
    assert!(!has(&manifests, "PodDisruptionBudget", "job"));
}

#[test]
fn a_single_instance_forced_to_several_pods_gets_no_automatic_budget() {
    // `single-instance-scaled` refuses it unless allowed; a budget would then still claim that
    // losing one of the separate copies is safe.
    let mut forced = workload("cache", WorkloadKind::Database);
    forced.replicas = Some(3);
    forced.single_instance = Some(SingleInstance { clustered: None });
    let mut explicit = forced.clone();
    explicit.name = "explicit".into();
    explicit.disruption = Disruption::MaxUnavailable(IntOrPercent::Int(1));
    let manifests = lower(&app(vec![forced, explicit]));
    assert_eq!(
        find(&manifests, "StatefulSet", "cache")["spec"]["replicas"],
        3
    );
    assert!(!has(&manifests, "PodDisruptionBudget", "cache"));
    // What the user wrote is theirs.
    assert!(has(&manifests, "PodDisruptionBudget", "explicit"));
}

#[test]
fn deployment_volumes_become_standalone_claims() {
    let mut api = workload("api", WorkloadKind::Service);
    api.volumes.push(persistent("uploads", "/uploads", "5Gi"));
    api.volumes.push(Volume {
        name: "tmp".into(),
        path: "/tmp".into(),
        kind: VolumeKind::EmptyDir {
            memory: true,
            size: Some("64Mi".into()),
        },
        span: Span::default(),
    });
    let manifests = lower(&app(vec![api]));
    let claim = find(&manifests, "PersistentVolumeClaim", "api-uploads");
    assert_eq!(claim["metadata"]["namespace"], "shop-prod");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "5Gi");
    let volumes = &pod_spec(find(&manifests, "Deployment", "api"))["volumes"];
    assert_eq!(
        volumes,
        &json!([
            {"name": "uploads", "persistentVolumeClaim": {"claimName": "api-uploads"}},
            {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
        ])
    );
}

#[test]
fn files_share_one_config_map_with_unique_keys_and_a_hash() {
    let mut web = workload("web", WorkloadKind::Frontend);
    web.files = vec![
        file("/etc/nginx/conf.d/default.conf", "server {}"),
        file("/etc/app/default.conf", "other"),
        file("/etc/mime types", "text/html html"),
    ];
    let manifests = lower(&app(vec![web.clone()]));
    let config = find(&manifests, "ConfigMap", "web-files");
    assert_eq!(
        config["data"],
        json!({
            "etc-nginx-conf.d-default.conf": "server {}",
            "etc-app-default.conf": "other",
            "mime_types": "text/html html",
        })
    );
    let deployment = find(&manifests, "Deployment", "web");
    let hash =
        deployment["spec"]["template"]["metadata"]["annotations"]["windlass.dev/config-hash"]
            .as_str()
            .unwrap()
            .to_owned();
    assert_eq!(hash.len(), 16);
    let pod = pod_spec(deployment);
    assert_eq!(
        pod["volumes"],
        json!([{"name": "files", "configMap": {"name": "web-files"}}])
    );
    assert_eq!(
        pod["containers"][0]["volumeMounts"][0],
        json!({"name": "files", "mountPath": "/etc/nginx/conf.d/default.conf",
               "subPath": "etc-nginx-conf.d-default.conf", "readOnly": true})
    );

    web.files[0].content = "server { listen 80; }".into();
    let changed = lower(&app(vec![web]));
    let changed =
        &find(&changed, "Deployment", "web")["spec"]["template"]["metadata"]["annotations"];
    assert_ne!(changed["windlass.dev/config-hash"], hash.as_str());
}

#[test]
fn jobs_run_to_completion_without_selector_or_service() {
    let mut migrate = workload("migrate", WorkloadKind::Job);
    migrate.job = Some(JobSpec {
        backoff_limit: Some(2),
        deadline: Some(600),
        ..JobSpec::default()
    });
    let mut report = workload("report", WorkloadKind::CronJob);
    report.cron = Some(CronSpec {
        schedule: "0 3 * * *".into(),
        time_zone: Some("Europe/Berlin".into()),
        concurrency: Concurrency::Forbid,
        history_successful: Some(3),
        history_failed: None,
    });
    let manifests = lower(&app(vec![migrate, report]));
    assert!(!has(&manifests, "Service", "migrate"));
    let job = find(&manifests, "Job", "migrate");
    assert_eq!(job["apiVersion"], "batch/v1");
    assert!(job["spec"].get("selector").is_none());
    assert_eq!(job["spec"]["backoffLimit"], 2);
    assert_eq!(job["spec"]["activeDeadlineSeconds"], 600);
    assert_eq!(job["spec"]["ttlSecondsAfterFinished"], 86_400);
    assert_eq!(pod_spec(job)["restartPolicy"], "Never");
    assert_eq!(
        job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"],
        "job"
    );

    let cron = find(&manifests, "CronJob", "report");
    assert_eq!(cron["spec"]["schedule"], "0 3 * * *");
    assert_eq!(cron["spec"]["timeZone"], "Europe/Berlin");
    assert_eq!(cron["spec"]["concurrencyPolicy"], "Forbid");
    assert_eq!(cron["spec"]["successfulJobsHistoryLimit"], 3);
    assert!(cron["spec"].get("failedJobsHistoryLimit").is_none());
    let template = &cron["spec"]["jobTemplate"];
    assert_eq!(
        template["metadata"]["labels"]["app.kubernetes.io/name"],
        "report"
    );
    assert_eq!(
        template["spec"]["template"]["spec"]["restartPolicy"],
        "Never"
    );
}

#[test]
fn file_keys_are_valid_and_unique() {
    let files = [
        file("/etc/a/app.conf", "1"),
        file("/etc/a/app.conf", "2"),
        file("/etc/b/app.conf", "3"),
        file("/srv/..hidden", "4"),
        file("/srv/data ünï", "5"),
    ];
    let keys = crate::lower::storage::file_keys(&files);
    assert_eq!(
        keys,
        [
            "etc-a-app.conf",
            "etc-a-app.conf-2",
            "etc-b-app.conf",
            "file..hidden",
            "data__n_"
        ]
    );
}
