//! moto runs no container: a task's status advances one step (RUNNING, DEACTIVATING, STOPPING,
//! DEPROVISIONING, STOPPED) each time it is described, and every container reports exit code 0.
//! So these tests check what Sluice sends and how it reads the answers, not how Fargate behaves.

use sluice_cloud::{
    EcsLaunchConfig, EcsLauncher,
    ecs::{STARTED_BY, TASK_URI_TAG},
    sdk::ecs::{
        self,
        types::{Compatibility, ContainerDefinition, NetworkMode, TaskField},
    },
};
use sluice_core::tasks::{LaunchRequest, Launched, Launcher, RunState};

use crate::{config, moto_ecs::ecs_client, moto_url, unique};

const CONTAINER: &str = "ecs-tasks";

/// The first match of `<tag>value</tag>` in moto's XML.
fn xml_value(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no <{tag}> in {xml}")) + open.len();
    let len = xml[start..].find('<').expect("closing tag");
    xml[start..start + len].to_owned()
}

/// One call to moto's EC2 Query API. moto routes by the service in the credential scope and
/// does not check the signature.
async fn ec2_query(params: &str) -> String {
    reqwest::Client::new()
        .post(moto_url())
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0",
        )
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("Version=2016-11-15&{params}"))
        .send()
        .await
        .expect("EC2 query")
        .error_for_status()
        .expect("EC2 query status")
        .text()
        .await
        .expect("EC2 query body")
}

/// A cluster and a Fargate task definition of their own, in moto's default VPC: an awsvpc
/// task needs a subnet moto knows (with DNS hostnames, which the default VPC has) and a
/// security group.
async fn setup() -> (ecs::Client, EcsLaunchConfig) {
    let client = ecs_client(&config().await);
    let subnet = xml_value(
        &ec2_query("Action=DescribeSubnets&Filter.1.Name=default-for-az&Filter.1.Value.1=true").await,
        "subnetId",
    );
    let security_group = xml_value(
        &ec2_query("Action=DescribeSecurityGroups&Filter.1.Name=group-name&Filter.1.Value.1=default").await,
        "groupId",
    );
    let cluster = unique("cluster");
    client.create_cluster().cluster_name(&cluster).send().await.expect("create cluster");
    let family = unique("ecs-tasks");
    let container = ContainerDefinition::builder()
        .name(CONTAINER)
        .image("sluice/ecs-tasks:test")
        .memory(512)
        .essential(true)
        .set_entry_point(Some(vec!["/usr/local/bin/ecs-tasks".to_owned()]))
        .build();
    client
        .register_task_definition()
        .family(&family)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu("256")
        .memory("512")
        .container_definitions(container)
        .send()
        .await
        .expect("register task definition");
    let config = EcsLaunchConfig {
        cluster,
        task_definition: family,
        container_name: CONTAINER.to_owned(),
        subnets: vec![subnet],
        security_groups: vec![security_group],
        assign_public_ip: false,
    };
    (client, config)
}

fn request(task_uri: &str) -> LaunchRequest {
    LaunchRequest {
        task_uri: task_uri.to_owned(),
        args: vec!["health".to_owned(), "--task-uri".to_owned(), task_uri.to_owned()],
    }
}

#[tokio::test]
async fn launch_runs_a_fargate_task_with_the_args_as_its_command() {
    let (client, config) = setup().await;
    let launcher = EcsLauncher::new(client.clone(), config.clone());
    let launched = launcher.launch(&request("abcd1234")).await.expect("launch");
    assert_eq!(launched.launcher, "ecs");
    assert!(launched.id.starts_with("arn:aws:ecs:us-east-1:123456789012:task/"), "{}", launched.id);

    let described = client
        .describe_tasks()
        .cluster(&config.cluster)
        .tasks(&launched.id)
        .include(TaskField::Tags)
        .send()
        .await
        .expect("describe");
    let task = &described.tasks()[0];
    assert_eq!(task.launch_type().map(|t| t.as_str()), Some("FARGATE"));
    assert_eq!(task.started_by(), Some(STARTED_BY));
    let overrides = task.overrides().expect("overrides").container_overrides();
    assert_eq!(overrides.len(), 1);
    assert_eq!(overrides[0].name(), Some(CONTAINER));
    assert_eq!(overrides[0].command(), ["health", "--task-uri", "abcd1234"]);
    let tags: Vec<(Option<&str>, Option<&str>)> = task.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(tags, vec![(Some(TASK_URI_TAG), Some("abcd1234"))]);
    let subnet = task
        .attachments()
        .iter()
        .flat_map(|a| a.details())
        .find(|d| d.name() == Some("subnetId"))
        .and_then(|d| d.value());
    assert_eq!(subnet, Some(config.subnets[0].as_str()), "the awsvpc configuration reached ECS");
}

#[tokio::test]
async fn state_follows_the_task_until_it_stops() {
    let (client, config) = setup().await;
    let launcher = EcsLauncher::new(client, config);
    let launched = launcher.launch(&request("run12345")).await.expect("launch");
    assert_eq!(launcher.state(&launched).await.expect("state"), RunState::Running);
    // moto advances one status per DescribeTasks; four more reach STOPPED.
    let mut states = Vec::new();
    for _ in 0..6 {
        let state = launcher.state(&launched).await.expect("state");
        let done = state != RunState::Running;
        states.push(state);
        if done {
            break;
        }
    }
    match states.last() {
        Some(RunState::Exited { success, detail }) => {
            // moto reports exit code 0 for every container, so only success can be seen here.
            assert!(success, "{detail}");
            assert!(detail.contains("exit code 0"), "{detail}");
        }
        other => panic!("expected the task to stop, got {other:?} after {states:?}"),
    }
}

#[tokio::test]
async fn a_stopped_task_reports_why() {
    let (client, config) = setup().await;
    let launcher = EcsLauncher::new(client.clone(), config.clone());
    let launched = launcher.launch(&request("stop1234")).await.expect("launch");
    client
        .stop_task()
        .cluster(&config.cluster)
        .task(&launched.id)
        .reason("stopped by an operator")
        .send()
        .await
        .expect("stop task");
    // Whether it counts as a success is not asserted: moto keeps exit code 0 where Fargate
    // reports the container killed, or no exit code at all.
    match launcher.state(&launched).await.expect("state") {
        RunState::Exited { detail, .. } => assert!(detail.contains("stopped by an operator"), "{detail}"),
        other => panic!("expected Exited, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_task_is_unknown_and_another_launchers_run_is_refused() {
    let (client, config) = setup().await;
    let cluster = config.cluster.clone();
    let launcher = EcsLauncher::new(client, config);
    let unknown = Launched {
        launcher: "ecs".to_owned(),
        id: format!("arn:aws:ecs:us-east-1:123456789012:task/{cluster}/00000000000000000000000000000000"),
    };
    assert_eq!(launcher.state(&unknown).await.expect("state"), RunState::Unknown);
    let local = Launched { launcher: "local".to_owned(), id: "4242".to_owned() };
    let err = launcher.state(&local).await.expect_err("not ours");
    assert!(err.to_string().contains("\"local\" launcher"), "{err}");
}

#[tokio::test]
async fn launch_errors_name_the_task_and_the_cause() {
    let (client, config) = setup().await;
    let no_cluster =
        EcsLauncher::new(client.clone(), EcsLaunchConfig { cluster: unique("missing"), ..config.clone() });
    let err = no_cluster.launch(&request("lost1234")).await.expect_err("no such cluster");
    let text = err.to_string();
    assert!(text.contains("ECS RunTask for task lost1234 failed"), "{text}");
    assert!(text.contains("ClusterNotFoundException"), "{text}");

    let no_subnets = EcsLauncher::new(client, EcsLaunchConfig { subnets: vec![], ..config });
    let err = no_subnets.launch(&request("lost1234")).await.expect_err("no subnets");
    assert!(err.to_string().contains("no subnets"), "{err}");
}
