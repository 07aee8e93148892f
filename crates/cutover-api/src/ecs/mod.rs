//! ECS (awsJson1.1, `AmazonEC2ContainerServiceV20141113.*`): shapes and handlers.
//! Client errors are 400 with ECS's codes; missing or invalid members are
//! `InvalidParameterException`.

use cutover_wire::AwsError;

pub mod clusters;
pub mod shapes;

/// The code ECS uses for a member that is missing or outside its constraints.
pub const VALIDATION: &str = "InvalidParameterException";

crate::operations!(json EcsOperation, validation = VALIDATION, fault = "ServerException", {
    CreateCluster => clusters::create_cluster,
    DescribeClusters => clusters::describe_clusters,
    ListClusters => clusters::list_clusters,
    DeleteCluster => clusters::delete_cluster,
});

pub fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterException", message)
}

pub fn cluster_not_found() -> AwsError {
    AwsError::client("ClusterNotFoundException", "Cluster not found.")
}

/// The name inside a cluster reference: a bare name or a cluster ARN of this partition.
/// `None` when the ARN belongs to another account or region (that cluster is not visible here).
pub fn cluster_name<'a>(reference: &'a str, region: &str, account: &str) -> Option<&'a str> {
    match reference.strip_prefix("arn:") {
        None => Some(reference),
        Some(_) => {
            let mut parts = reference.splitn(6, ':');
            let (_, _, svc, r, a, res) = (
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
                parts.next()?,
            );
            let name = res.strip_prefix("cluster/")?;
            (svc == "ecs" && r == region && a == account).then_some(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_references() {
        assert_eq!(cluster_name("web", "us-east-1", "1"), Some("web"));
        assert_eq!(
            cluster_name("arn:aws:ecs:us-east-1:1:cluster/web", "us-east-1", "1"),
            Some("web")
        );
        assert_eq!(
            cluster_name("arn:aws:ecs:eu-west-1:1:cluster/web", "us-east-1", "1"),
            None
        );
        assert_eq!(
            cluster_name("arn:aws:ecs:us-east-1:2:cluster/web", "us-east-1", "1"),
            None
        );
        assert_eq!(
            cluster_name("arn:aws:ecs:us-east-1:1:service/web", "us-east-1", "1"),
            None
        );
    }
}
