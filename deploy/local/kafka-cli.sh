#!/usr/bin/env bash
# Kafka's own CLI tools against the local broker, from the jars `stack.sh up`
# cached; there is no kafka-*.sh distribution on the machine.
#
#   bash deploy/local/kafka-cli.sh topics --list
#   bash deploy/local/kafka-cli.sh produce --topic transactions
#   bash deploy/local/kafka-cli.sh consume --topic decisions --from-beginning
#   bash deploy/local/kafka-cli.sh groups --list
#   bash deploy/local/kafka-cli.sh org.apache.kafka.tools.SomeTool ARGS...
#
# --bootstrap-server defaults to $FS_KAFKA_BROKERS when not given.
set -euo pipefail

# shellcheck source=env.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)/env.sh"
# shellcheck source=lib/common.sh
. "$FS_LOCAL_DIR/lib/common.sh"
# shellcheck source=lib/kafka.sh
. "$FS_LOCAL_DIR/lib/kafka.sh"

tool=${1:-}
case $tool in
  topics) class=org.apache.kafka.tools.TopicCommand ;;
  produce) class=org.apache.kafka.tools.ConsoleProducer ;;
  consume) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  offsets) class=org.apache.kafka.tools.GetOffsetShell ;;
  configs) class=kafka.admin.ConfigCommand ;;
  quorum) class=org.apache.kafka.tools.MetadataQuorumCommand ;;
  *.*) class=$tool ;;
  *)
    sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    echo "tools: topics produce consume groups offsets configs quorum, or a class name" >&2
    exit 2
    ;;
esac
shift

[[ -d $KAFKA_LIBS ]] ||
  fs_fail kafka-cli "no Kafka jars in $KAFKA_LIBS yet; run: bash deploy/local/stack.sh up"
fs_init_home

for arg in "$@"; do
  case $arg in --bootstrap-server* | --bootstrap-controller*) has_bootstrap=1 ;; esac
done
if [[ -n ${has_bootstrap:-} ]]; then
  kafka_tool "$class" "$@"
else
  kafka_tool "$class" --bootstrap-server "$FS_KAFKA_BROKERS" "$@"
fi
