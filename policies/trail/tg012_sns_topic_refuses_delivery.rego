# METADATA
# title: The trail's SNS topic is missing or would refuse CloudTrail
# description: >-
#   A trail with an SNS topic notifies it of every log file it delivers; whoever consumes those
#   notifications (a SIEM pulling new log files, an archive job) stops hearing of them when the
#   topic is gone or refuses CloudTrail. CloudTrail publishes as the service principal
#   cloudtrail.amazonaws.com: the topic's policy must allow it SNS:Publish for this trail (and
#   should say which trail, with aws:SourceArn, or any account's trail may publish to it), and a
#   topic encrypted with KMS needs a key that lets CloudTrail use it (never the AWS managed key
#   alias/aws/sns, whose policy no service principal can be given). The topic policy and a
#   collected key's policy are judged with AWS's evaluation logic (trailguard.iam.decide_in),
#   with the resource control policies on the key's account, which bind CloudTrail too. A
#   topic that was not read gives no verdict (TG090 reports it).
# custom:
#   id: TG012
#   severity: medium
#   controls: {}
#   remediation: |-
#     Let CloudTrail publish for your trail with `aws sns set-topic-attributes --topic-arn
#     TOPIC_ARN --attribute-name Policy --attribute-value file://policy.json`, with the statement
#
#     ```json
#     {"Sid": "AWSCloudTrailSNSPolicy", "Effect": "Allow",
#      "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "SNS:Publish",
#      "Resource": "TOPIC_ARN",
#      "Condition": {"StringEquals": {"aws:SourceArn": "TRAIL_ARN"}}}
#     ```
#
#     and encrypt the topic with a customer managed key whose policy lets
#     `cloudtrail.amazonaws.com` call kms:GenerateDataKey* and kms:Decrypt; or point the trail at
#     a topic that exists: `aws cloudtrail update-trail --name TRAIL_ARN --sns-topic-name TOPIC`.
package trailguard.rules.tg012

import data.trailguard.lib
import data.trailguard.lib.delivery
import data.trailguard.lib.delivery.service as delivery_service
import data.trailguard.lib.trail as tl
import rego.v1

# One finding per topic (GitHub keys alerts on rule and resource), naming each trail it fails.
deny contains lib.finding(topic_arn, msg) if {
	some topic_arn, arns in trails_by_topic
	topic := input.topics[topic_arn]
	parts := [sprintf("trail %s: %s", [tl.label(arn), concat("; ", problems)]) |
		some arn in sort(arns)
		problems := topic_problems(arn, input.trails[arn], topic_arn, topic)
		count(problems) > 0
	]
	count(parts) > 0
	msg := sprintf("SNS topic %s fails %s", [topic_arn, concat(", and ", parts)])
}

# trails_by_topic maps each SNS topic a trail notifies to those trails.
trails_by_topic[topic_arn] contains arn if {
	some arn, trail in input.trails
	topic_arn := trail.SnsTopicARN
	is_string(topic_arn)
	topic_arn != ""
}

# topic_problems: the topic is gone; or its policy refuses CloudTrail's publish for this trail, or
# lets another account's trail publish; or its key would refuse CloudTrail.
topic_problems(arn, trail, topic_arn, topic) := ["the topic does not exist"] if {
	topic.Attributes == null
} else := array.concat(policy_problems(arn, trail, topic_arn, topic), key_problems(arn, trail, topic)) if {
	is_object(topic.Attributes)
} else := []

policy_problems(arn, trail, topic_arn, topic) := [problem |
	delivery.judged(topic.Attributes, "Policy")
	owner := split(topic_arn, ":")[4]
	some problem in publish_problems(arn, trail, topic_arn, owner, topic.Attributes.Policy)
]

publish_problems(arn, trail, topic_arn, owner, policy) := [refused] if {
	answer := delivery.ask(arn, "sns:Publish", topic_arn, owner, "resource_policy", "the topic policy", policy, {})
	refused := delivery.refusal(answer, "SNS:Publish", sprintf("no statement of the topic policy lets %s publish for this trail", [delivery_service]))
} else := [sprintf("the topic policy lets %s publish for any account's trail (%s): it names no aws:SourceArn or aws:SourceAccount", [
	delivery_service, delivery.statements(answer.grants),
])] if {
	answer := delivery.ask(arn, "sns:Publish", topic_arn, owner, "resource_policy", "the topic policy", policy, delivery.stranger(trail))
	answer.decision == "allow"
} else := []

# key_problems: the topic's KMS key would refuse CloudTrail (only a key the snapshot holds is
# judged; the AWS managed key never lets a service principal in).
key_problems(arn, trail, topic) := [sprintf("it is encrypted with the AWS managed key %s, whose policy cannot let %s use it", [
	topic.Attributes.KmsMasterKeyId, delivery_service,
])] if {
	aws_managed(topic.Attributes.KmsMasterKeyId)
} else := [problem |
	key_arn := topic.Attributes.KmsMasterKeyId
	key := input.kms_keys[key_arn]
	delivery.judged(key, "Policy")
	some action in ["kms:GenerateDataKey", "kms:Decrypt"]
	answer := delivery.ask(arn, action, key_arn, split(key_arn, ":")[4], "key_policy", "the topic key's policy", key.Policy, {})
	problem := delivery.refusal(answer, sprintf("%s on the topic's key", [action]), sprintf("no statement of the topic key's policy lets %s call it", [delivery_service]))
]

aws_managed(key) if key == "alias/aws/sns"

aws_managed(key) if endswith(key, ":alias/aws/sns")
