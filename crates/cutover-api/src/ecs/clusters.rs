//! ECS cluster operations: CreateCluster, DescribeClusters, ListClusters, DeleteCluster.

use serde::{Deserialize, Serialize};

use cutover_core::ecs::{cluster_arn, ClusterStatus, Tag as CoreTag};
use cutover_core::Scope;
use cutover_wire::AwsError;

use super::shapes::{Cluster, ClusterSetting, Failure, Tag};
use super::{cluster_name, cluster_not_found, invalid_parameter};
use crate::page;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateClusterRequest {
    pub cluster_name: Option<String>,
    pub tags: Option<Vec<Tag>>,
    pub settings: Option<Vec<ClusterSetting>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateClusterResponse {
    pub cluster: Cluster,
}

pub(crate) fn validate_tags(tags: Option<Vec<Tag>>) -> Result<Vec<CoreTag>, AwsError> {
    let tags = tags.unwrap_or_default();
    if tags.len() > 50 {
        return Err(invalid_parameter(
            "Too many tags: a resource can have at most 50 tags.",
        ));
    }
    tags.into_iter()
        .map(|t| match t.key {
            Some(k) if !k.is_empty() && k.len() <= 128 => {
                let value = t.value.unwrap_or_default();
                if value.len() > 256 {
                    return Err(invalid_parameter(format!(
                        "The value of tag '{k}' is longer than 256 characters."
                    )));
                }
                Ok(CoreTag { key: k, value })
            }
            _ => Err(invalid_parameter(
                "Tag keys must be between 1 and 128 characters.",
            )),
        })
        .collect()
}

pub fn create_cluster(
    s: &mut Scope<'_>,
    input: CreateClusterRequest,
) -> Result<CreateClusterResponse, AwsError> {
    let name = input.cluster_name.unwrap_or_else(|| "default".to_owned());
    if name.is_empty()
        || name.len() > 255
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(invalid_parameter(
            "Cluster name can have up to 255 characters; valid characters are letters (uppercase and lowercase), numbers, hyphens and underscores.",
        ));
    }
    let tags = validate_tags(input.tags)?;
    let mut settings = Vec::new();
    for st in input.settings.unwrap_or_default() {
        let value = st.value.unwrap_or_default();
        if !matches!(value.as_str(), "enabled" | "disabled" | "enhanced") {
            return Err(invalid_parameter(format!(
                "Invalid value '{value}' for setting containerInsights; valid values are enabled, disabled and enhanced."
            )));
        }
        settings.push(("containerInsights".to_owned(), value));
    }
    let (region, account) = (s.pk.region.clone(), s.pk.account.clone());
    let c = s
        .state
        .ecs
        .create_cluster(&region, &account, &name, tags, settings, s.now);
    Ok(CreateClusterResponse {
        cluster: Cluster::from_core(c, true, (0, 0, 0)),
    })
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClusterField {
    Attachments,
    Configurations,
    Settings,
    Statistics,
    Tags,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeClustersRequest {
    pub clusters: Option<Vec<String>>,
    pub include: Option<Vec<ClusterField>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeClustersResponse {
    pub clusters: Vec<Cluster>,
    pub failures: Vec<Failure>,
}

pub fn describe_clusters(
    s: &mut Scope<'_>,
    input: DescribeClustersRequest,
) -> Result<DescribeClustersResponse, AwsError> {
    let refs = input.clusters.unwrap_or_else(|| vec!["default".to_owned()]);
    if refs.len() > 100 {
        return Err(invalid_parameter(
            "DescribeClusters accepts at most 100 clusters.",
        ));
    }
    let with_tags = input
        .include
        .unwrap_or_default()
        .contains(&ClusterField::Tags);
    let mut out = DescribeClustersResponse {
        clusters: Vec::with_capacity(refs.len()),
        failures: Vec::new(),
    };
    for r in &refs {
        match cluster_name(r, &s.pk.region, &s.pk.account).and_then(|n| s.state.ecs.cluster(n)) {
            Some(c) => out.clusters.push(Cluster::from_core(
                c,
                with_tags,
                s.state.ecs.cluster_counts(&c.name),
            )),
            None => out.failures.push(Failure {
                arn: if r.starts_with("arn:") {
                    r.clone()
                } else {
                    cluster_arn(&s.pk.region, &s.pk.account, r)
                },
                reason: "MISSING",
                detail: None,
            }),
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListClustersRequest {
    pub next_token: Option<String>,
    pub max_results: Option<i32>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListClustersResponse {
    pub cluster_arns: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Validates ECS `maxResults` (1–100, default 100).
pub(crate) fn max_results(v: Option<i32>) -> Result<usize, AwsError> {
    match v {
        None => Ok(100),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(n) => Err(invalid_parameter(format!(
            "maxResults must be between 1 and 100; got {n}."
        ))),
    }
}

pub(crate) fn bad_token() -> AwsError {
    invalid_parameter(
        "Invalid nextToken: it was not returned by a previous call of this operation.",
    )
}

pub fn list_clusters(
    s: &mut Scope<'_>,
    input: ListClustersRequest,
) -> Result<ListClustersResponse, AwsError> {
    let limit = max_results(input.max_results)?;
    let after = page::resume_after(input.next_token.as_deref(), bad_token)?;
    let (clusters, more) = s.state.ecs.list_clusters(after.as_deref(), limit);
    Ok(ListClustersResponse {
        next_token: page::next_token(more, clusters.last().map(|c| c.name.as_str())),
        cluster_arns: clusters.into_iter().map(|c| c.arn.clone()).collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteClusterRequest {
    pub cluster: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteClusterResponse {
    pub cluster: Cluster,
}

pub fn delete_cluster(
    s: &mut Scope<'_>,
    input: DeleteClusterRequest,
) -> Result<DeleteClusterResponse, AwsError> {
    let name =
        cluster_name(&input.cluster, &s.pk.region, &s.pk.account).ok_or_else(cluster_not_found)?;
    match s.state.ecs.cluster(name) {
        Some(c) if c.status == ClusterStatus::Active => {}
        _ => return Err(cluster_not_found()),
    }
    // As on AWS: a cluster with ACTIVE or DRAINING services, or with tasks not yet stopped, stays.
    let has_services = s.state.ecs.services.iter().any(|((c, _), v)| {
        c == name && v.status != cutover_core::ecs::services::ServiceStatus::Inactive
    });
    if has_services {
        return Err(AwsError::client(
            "ClusterContainsServicesException",
            "The Cluster cannot be deleted while Services are active.",
        ));
    }
    let has_tasks = s.state.ecs.tasks.iter().any(|((c, _), t)| {
        c == name && t.last_status != cutover_core::ecs::tasks::TaskStatus::Stopped
    });
    if has_tasks {
        return Err(AwsError::client(
            "ClusterContainsTasksException",
            "The Cluster cannot be deleted while Tasks are active.",
        ));
    }
    let c = s
        .state
        .ecs
        .delete_cluster(name)
        .ok_or_else(cluster_not_found)?;
    Ok(DeleteClusterResponse {
        cluster: Cluster::from_core(c, false, (0, 0, 0)),
    })
}
