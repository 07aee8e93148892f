//! ECS (awsJson1.1, `AmazonEC2ContainerServiceV20141113.*`): shapes and handlers.
//! Client errors are 400 with ECS's codes; missing or invalid members are
//! `InvalidParameterException`.

use cutover_wire::AwsError;

pub mod clusters;
pub mod container_definitions;
pub mod service_shapes;
pub mod services;
pub mod shapes;
pub mod tags;
pub mod task_definitions;
pub mod task_sets;
pub mod tasks;

/// The code ECS uses for a member that is missing or outside its constraints.
pub const VALIDATION: &str = "InvalidParameterException";

crate::operations!(json EcsOperation, validation = VALIDATION, fault = "ServerException", {
    CreateCluster => clusters::create_cluster,
    DescribeClusters => clusters::describe_clusters,
    ListClusters => clusters::list_clusters,
    DeleteCluster => clusters::delete_cluster,
    RegisterTaskDefinition => task_definitions::register_task_definition,
    DescribeTaskDefinition => task_definitions::describe_task_definition,
    ListTaskDefinitions => task_definitions::list_task_definitions,
    ListTaskDefinitionFamilies => task_definitions::list_task_definition_families,
    DeregisterTaskDefinition => task_definitions::deregister_task_definition,
    DeleteTaskDefinitions => task_definitions::delete_task_definitions,
    TagResource => tags::tag_resource,
    UntagResource => tags::untag_resource,
    ListTagsForResource => tags::list_tags_for_resource,
    CreateService => services::create_service,
    DescribeServices => services::describe_services,
    ListServices => services::list_services,
    UpdateService => services::update_service,
    DeleteService => services::delete_service,
    RunTask => tasks::run_task,
    DescribeTasks => tasks::describe_tasks,
    ListTasks => tasks::list_tasks,
    StopTask => tasks::stop_task,
    CreateTaskSet => task_sets::create_task_set,
    DescribeTaskSets => task_sets::describe_task_sets,
    UpdateTaskSet => task_sets::update_task_set,
    UpdateServicePrimaryTaskSet => task_sets::update_service_primary_task_set,
    DeleteTaskSet => task_sets::delete_task_set,
});

pub fn invalid_parameter(message: impl Into<String>) -> AwsError {
    AwsError::client("InvalidParameterException", message)
}

/// ECS's generic client fault (task definition validation, "Unable to describe task definition.").
pub fn client_exception(message: impl Into<String>) -> AwsError {
    AwsError::client("ClientException", message)
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
