#!/bin/sh
# Submit one nightly audit as an AWS Batch array job of N children plus a merge job that waits
# for all of them. Batch sets AWS_BATCH_JOB_ARRAY_INDEX (0..N-1) in each child; `--shard auto/N`
# turns it into shard K = index + 1. Schedule this script with EventBridge Scheduler or cron.
# The job definition targets an EC2 compute environment (tmpfs /tmp beside a read-only root
# filesystem); results go to EFS mounted at /data.
set -eu
QUEUE="${QUEUE:-baa-audit}"
SHARDS="${SHARDS:-4}"
RUN_DATE="$(date -u +%F)"

scan_id="$(aws batch submit-job --job-name "baa-audit-scan-$RUN_DATE" --job-queue "$QUEUE" \
  --job-definition baa-audit-scan --array-properties "size=$SHARDS" \
  --container-overrides "environment=[{name=RUN_DATE,value=$RUN_DATE},{name=SHARDS,value=$SHARDS}]" \
  --query jobId --output text)"

# A job that depends on an array job (no dependency type) starts when every child has finished.
aws batch submit-job --job-name "baa-audit-merge-$RUN_DATE" --job-queue "$QUEUE" \
  --job-definition baa-audit-scan --depends-on "jobId=$scan_id" \
  --container-overrides "{\"command\": [\"/bin/sh\", \"-c\", \"baa-audit merge /data/runs/$RUN_DATE/shard-*/result.json --out /data/runs/$RUN_DATE/merged --history /data/history.sqlite --summary-line\"]}"
