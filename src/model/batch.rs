//! Settings of workloads that run to completion: Jobs, and the schedule of CronJobs.

/// Job settings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JobSpec {
    /// `backoffLimit`.
    pub backoff_limit: Option<u32>,
    /// `activeDeadlineSeconds`.
    pub deadline: Option<u32>,
    /// `ttlSecondsAfterFinished`.
    pub ttl: Option<u32>,
    /// `ttl none`: a finished Job is kept until it is deleted (a GitOps tool that applies the
    /// Job again would otherwise run it again once it is gone).
    pub keep: bool,
    /// `completions`.
    pub completions: Option<u32>,
    /// `parallelism`.
    pub parallelism: Option<u32>,
}

/// What a CronJob does when the previous run is still going.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Concurrency {
    /// Run both.
    Allow,
    /// Skip the new run.
    Forbid,
    /// Stop the old run.
    Replace,
}

/// CronJob settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronSpec {
    /// Cron schedule.
    pub schedule: String,
    /// `timeZone`.
    pub time_zone: Option<String>,
    /// `concurrencyPolicy`.
    pub concurrency: Concurrency,
    /// `successfulJobsHistoryLimit`.
    pub history_successful: Option<u32>,
    /// `failedJobsHistoryLimit`.
    pub history_failed: Option<u32>,
}
