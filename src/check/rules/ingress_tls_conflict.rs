//! `ingress-tls-conflict`: one host served with two different TLS secrets.

use std::collections::BTreeMap;

use crate::check::{Context, Findings, Rule};
use crate::declare_rule;
use crate::model::Exposure;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags two workloads exposed through Ingresses of the same class with the same `host` but
    /// different `tls=` secrets. An Ingress without `tls` beside one with it is not flagged.
    ///
    /// ## Why is this bad?
    /// A TLS handshake happens before any path is known, so a host has exactly one certificate
    /// per ingress controller. With two secrets the controller picks one — which one depends on
    /// the controller and on creation order — and clients of the other workload may get a
    /// certificate that was meant to expire, or one renewed on a different schedule.
    ///
    /// ## Example
    /// ```kdl
    /// frontend web { image "web:1.4.0"; port 80
    ///     expose ingress host="shop.example.com" tls="shop-tls" }
    /// service api { image "api:2.0.0"; port 8080
    ///     expose ingress host="shop.example.com" path="/api" tls="api-tls" }
    /// ```
    ///
    /// ## Use instead
    /// ```kdl
    /// frontend web { image "web:1.4.0"; port 80
    ///     expose ingress host="shop.example.com" tls="shop-tls" }
    /// service api { image "api:2.0.0"; port 8080
    ///     expose ingress host="shop.example.com" path="/api" tls="shop-tls" }
    /// ```
    ///
    /// Counterparts: none in kube-linter, kube-score, Polaris or checkov.
    pub struct IngressTlsConflict {
        code: "ingress-tls-conflict",
        severity: Error,
        summary: "one host served with two different TLS secrets",
    }
}

impl Rule for IngressTlsConflict {
    fn check(&self, cx: &Context<'_>, out: &mut Findings) {
        let mut first: BTreeMap<(Option<&str>, &str), (&str, &str, Span)> = BTreeMap::new();
        for w in cx.workloads() {
            let Exposure::Ingress(ingress) = &w.expose else {
                continue;
            };
            let Some(tls) = ingress.tls.as_deref() else {
                continue;
            };
            let class = ingress.class.as_deref().or(cx.app.ingress_class.as_deref());
            let key = (class, ingress.host.as_str());
            let Some((owner, owner_tls, owner_span)) = first.get(&key).copied() else {
                first.insert(key, (&w.name, tls, ingress.span));
                continue;
            };
            if owner_tls == tls {
                continue;
            }
            out.push(
                w,
                format!(
                    "{} is served with two TLS secrets, `{owner_tls}` and `{tls}`",
                    ingress.host
                ),
            )
            .label(ingress.span, format!("`{}` uses `{tls}`", w.name))
            .label(owner_span, format!("`{owner}` uses `{owner_tls}`"))
            .help(format!(
                "a host has one certificate: use `tls=\"{owner_tls}\"` here too, or serve `{}` on a host of its own",
                w.name
            ));
        }
    }
}
