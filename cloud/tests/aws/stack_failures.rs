//! Failed stacks, against a scripted stand-in for CloudFormation: moto never rolls a stack
//! back. When a resource fails there, CreateStack itself answers with the resource's error and
//! the half-made stack is left so that DescribeStacks on it returns HTTP 500.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use sluice_cloud::{StackDeployer, StackEvent, cfn::Template, emulator_sdk_config};

use crate::fake_aws::{FakeAws, Params, query_error};

const NAME: &str = "sluice-env-ab12";
const OLD_ID: &str = "arn:aws:cloudformation:us-east-1:111122223333:stack/sluice-env-ab12/old";
const NEW_ID: &str = "arn:aws:cloudformation:us-east-1:111122223333:stack/sluice-env-ab12/new";
const ROLLBACK_REASON: &str =
    "The following resource(s) failed to create: [DataBucket]. Rollback requested by user.";

/// One stack left in ROLLBACK_COMPLETE by an earlier deploy; once deleted, the next create
/// fails again, one step per DescribeStacks.
#[derive(Default)]
struct Script {
    old_deleted: bool,
    new_created: bool,
    new_polls: usize,
}

/// (logical id, type, status, reason), oldest first.
type Event = (&'static str, &'static str, &'static str, &'static str);

impl Script {
    fn respond(&mut self, params: &Params) -> (u16, String) {
        let stack = params.get("StackName").map(String::as_str).unwrap_or_default();
        let action = params["Action"].as_str();
        let old = stack == OLD_ID || (stack == NAME && !self.old_deleted);
        match action {
            "DescribeStacks" if old && self.old_deleted => {
                ok(action, &stack_xml(OLD_ID, "DELETE_COMPLETE", ""))
            }
            "DescribeStacks" if old => ok(action, &stack_xml(OLD_ID, "ROLLBACK_COMPLETE", ROLLBACK_REASON)),
            "DescribeStacks" if self.new_created && (stack == NEW_ID || stack == NAME) => {
                self.new_polls += 1;
                let status = self.new_events().last().map_or("CREATE_IN_PROGRESS", |e| e.2);
                let reason = if status == "ROLLBACK_COMPLETE" { "Rollback requested by user." } else { "" };
                ok(action, &stack_xml(NEW_ID, status, reason))
            }
            "DescribeStacks" => {
                (400, query_error("ValidationError", &format!("Stack with id {stack} does not exist")))
            }
            "DescribeStackEvents" if old => {
                let mut events =
                    vec![("sluice-env-ab12", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", "")];
                if self.old_deleted {
                    events.push(("sluice-env-ab12", "AWS::CloudFormation::Stack", "DELETE_COMPLETE", ""));
                }
                ok(action, &events_xml("old", &events))
            }
            "DescribeStackEvents" => ok(action, &events_xml("new", &self.new_events())),
            "DeleteStack" if stack == OLD_ID => {
                self.old_deleted = true;
                ok(action, "")
            }
            "CreateStack" if self.old_deleted && !self.new_created => {
                self.new_created = true;
                ok(action, &format!("<StackId>{NEW_ID}</StackId>"))
            }
            _ => (400, query_error("ValidationError", &format!("unscripted {action} of {stack}"))),
        }
    }

    /// The new stack's events so far: one more step of the rollback per DescribeStacks.
    fn new_events(&self) -> Vec<Event> {
        let all: [Event; 5] = [
            ("sluice-env-ab12", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"),
            ("AccessLogsBucket", "AWS::S3::Bucket", "CREATE_FAILED", "Resource creation cancelled"),
            ("DataBucket", "AWS::S3::Bucket", "CREATE_FAILED", "sluice-env-ab12 already exists"),
            ("sluice-env-ab12", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", ROLLBACK_REASON),
            ("sluice-env-ab12", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", ""),
        ];
        let shown = match self.new_polls {
            0 | 1 => 1,
            2 => 4,
            _ => 5,
        };
        all[..shown].to_vec()
    }
}

fn ok(action: &str, result: &str) -> (u16, String) {
    (
        200,
        format!(
            "<{action}Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><{action}Result>{result}\
             </{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        ),
    )
}

fn stack_xml(id: &str, status: &str, reason: &str) -> String {
    format!(
        "<Stacks><member><StackName>{NAME}</StackName><StackId>{id}</StackId>\
         <CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>{status}</StackStatus>\
         <StackStatusReason>{reason}</StackStatusReason></member></Stacks>"
    )
}

/// Newest first, as CloudFormation lists them.
fn events_xml(stack: &str, events: &[Event]) -> String {
    let members: String = events
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (logical_id, type_, status, reason))| {
            format!(
                "<member><EventId>{stack}-{i}</EventId><StackId>{stack}</StackId><StackName>{NAME}</StackName>\
                 <LogicalResourceId>{logical_id}</LogicalResourceId><ResourceType>{type_}</ResourceType>\
                 <Timestamp>2026-01-01T00:00:{i:02}Z</Timestamp><ResourceStatus>{status}</ResourceStatus>\
                 <ResourceStatusReason>{reason}</ResourceStatusReason></member>"
            )
        })
        .collect();
    format!("<StackEvents>{members}</StackEvents>")
}

#[tokio::test]
async fn a_rolled_back_stack_is_deleted_and_created_again_and_a_failure_is_an_outcome() {
    let script = Arc::new(Mutex::new(Script::default()));
    let cfn = {
        let script = script.clone();
        FakeAws::start(move |params| script.lock().unwrap().respond(params)).await
    };
    let deployer = StackDeployer::new(&emulator_sdk_config(&cfn.url).await)
        .with_poll_interval(Duration::from_millis(10));
    let seen = Mutex::new(Vec::<StackEvent>::new());
    let tags = BTreeMap::from([("team".to_owned(), "data".to_owned())]);

    let outcome = deployer
        .deploy(NAME, &Template::new("test"), &tags, |e| seen.lock().unwrap().push(e.clone()))
        .await
        .expect("the calls all worked; the stack failing is an outcome");

    assert_eq!(outcome.status, "ROLLBACK_COMPLETE");
    assert!(!outcome.succeeded());
    assert_eq!(
        outcome.reason.as_deref(),
        Some(
            "Rollback requested by user. First failure: DataBucket (AWS::S3::Bucket): sluice-env-ab12 already exists"
        )
    );
    assert_eq!(outcome.events.len(), 5);
    assert_eq!(outcome.events[0].status, "ROLLBACK_COMPLETE", "newest first");

    let actions: Vec<String> = cfn.requests().iter().map(|p| p["Action"].clone()).collect();
    let delete = actions.iter().position(|a| a == "DeleteStack").expect("the old stack was deleted");
    let create = actions.iter().position(|a| a == "CreateStack").expect("and created again");
    assert!(delete < create, "{actions:?}");
    assert!(!actions.contains(&"UpdateStack".to_owned()), "{actions:?}");
    let create = &cfn.requests()[create];
    assert_eq!(create["Capabilities.member.1"], "CAPABILITY_NAMED_IAM");
    assert_eq!(
        (create["Tags.member.1.Key"].as_str(), create["Tags.member.1.Value"].as_str()),
        ("team", "data")
    );
    assert_eq!(create["TemplateBody"], Template::new("test").to_compact_json());

    // Progress saw every new event once, oldest first (the old stack's delete included).
    let seen: Vec<(String, String)> =
        seen.into_inner().unwrap().into_iter().map(|e| (e.logical_id, e.status)).collect();
    let new_stack: Vec<&str> =
        seen.iter().skip_while(|(_, s)| s != "CREATE_IN_PROGRESS").map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        new_stack,
        ["CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_FAILED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE"],
        "{seen:?}"
    );
    assert!(seen.contains(&(NAME.to_owned(), "DELETE_COMPLETE".to_owned())), "{seen:?}");
}

#[tokio::test]
async fn a_stack_that_never_settles_times_out() {
    let cfn = FakeAws::start(|params| {
        let action = params["Action"].as_str();
        match action {
            "DescribeStacks" => ok(action, &stack_xml(OLD_ID, "UPDATE_IN_PROGRESS", "")),
            "DescribeStackEvents" => ok(action, "<StackEvents></StackEvents>"),
            _ => (400, query_error("ValidationError", "unscripted")),
        }
    })
    .await;
    let deployer = StackDeployer::new(&emulator_sdk_config(&cfn.url).await)
        .with_poll_interval(Duration::from_millis(10))
        .with_timeout(Duration::from_millis(100));

    let err =
        deployer.deploy(NAME, &Template::new("test"), &BTreeMap::new(), |_| {}).await.expect_err("stuck");

    assert!(
        matches!(err, sluice_cloud::DeployError::Timeout { ref status, .. } if status == "UPDATE_IN_PROGRESS"),
        "{err}"
    );
}
