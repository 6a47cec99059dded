# shellcheck shell=bash
# The secured local stack (`stack.sh up --secure`): a throwaway CA and server
# certificate, random passwords for each principal, and the Kafka and Redis
# settings that use them. Sourced by stack.sh after env.sh; docs/security.md
# describes the result.
#
# Everything lives in $FRAUDSTREAM_HOME/secure (FS_SECURE_DIR, env.sh), made
# once and reused: the CA must outlive restarts, or every client's
# FS_KAFKA_SSL_CA would go stale, and Kafka's SCRAM users are written into
# its storage when it is formatted, so their passwords must stay the same.
# Files holding a secret are mode 0600 in a 0700 directory.

# Kafka principals (SCRAM-SHA-512, created by the storage format) and Redis
# ACL users. broker: node-to-node links, a super user. admin: the stack's own
# tools and the test harness, a super user (topic and ACL creation). worker
# and loadgen: only what docs/security.md lists.
SECURE_KAFKA_USERS=(broker admin worker loadgen)
SECURE_REDIS_USERS=(admin worker loadgen)

secure_password_file() { printf '%s/%s-%s.password\n' "$FS_SECURE_DIR" "$1" "$2"; }
secure_password() { cat "$(secure_password_file "$1" "$2")"; }

# A 32-character password of [A-Za-z0-9]: nothing a properties file, a JAAS
# line or a Redis ACL rule would need to escape.
_secure_new_password() {
  local pw=''
  while ((${#pw} < 32)); do
    pw+=$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  done
  printf '%s' "${pw:0:32}"
}

# Makes what is missing: the CA, the server key and certificate (for both
# Kafka and Redis, valid for 127.0.0.1 and localhost), a PKCS12 keystore for
# Kafka, a client certificate for mTLS tests, and the passwords.
secure_ensure_material() {
  local d=$FS_SECURE_DIR log="$FS_LOG_DIR/secure.log" user
  command -v openssl >/dev/null 2>&1 || fs_fail secure "--secure needs openssl to make its certificates"
  mkdir -p "$d"
  chmod 700 "$d"
  (
    umask 077
    for user in "${SECURE_KAFKA_USERS[@]}"; do
      [[ -s $(secure_password_file kafka "$user") ]] || _secure_new_password >"$(secure_password_file kafka "$user")"
    done
    for user in "${SECURE_REDIS_USERS[@]}"; do
      [[ -s $(secure_password_file redis "$user") ]] || _secure_new_password >"$(secure_password_file redis "$user")"
    done
    [[ -s $d/keystore.password ]] || _secure_new_password >"$d/keystore.password"
  )
  [[ -s $d/ca.pem && -s $d/server.pem && -s $d/server.p12 && -s $d/client.pem ]] && return 0
  fs_say "secure: making a throwaway CA and certificates in $d"
  rm -f "$d"/ca.* "$d"/server.* "$d"/client.*
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=fraudstream local CA" \
      -keyout "$d/ca.key" -out "$d/ca.pem" &&
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
        -keyout "$d/server.key" -out "$d/server.csr" &&
      openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 825 -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n') \
        -out "$d/server.pem" &&
      openssl pkcs12 -export -in "$d/server.pem" -inkey "$d/server.key" -name broker \
        -passout "file:$d/keystore.password" -out "$d/server.p12" &&
      openssl req -newkey rsa:2048 -nodes -subj "/CN=fraudstream-client" \
        -keyout "$d/client.key" -out "$d/client.csr" &&
      openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
        -days 825 -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$d/client.pem"
  } >>"$log" 2>&1 || fs_fail secure "openssl could not make the certificates" "$log"
  chmod 600 "$d"/*.key "$d"/*.p12
}

# Lines appended to a node's server.properties: the client listener is
# SASL_SSL (SCRAM-SHA-512) and nothing else, the brokers talk to each other on
# it as `broker`, and the controller listener is SASL_PLAINTEXT with PLAIN on
# $FS_BIND_HOST. Why PLAIN there: SCRAM users live in the metadata log the
# controllers serve, so the controllers cannot check SCRAM before it is
# loaded; a static JAAS user can be. Why not TLS there too: it carries only
# node-to-node traffic on the loopback address.
secure_kafka_properties() {
  local host=$1 port=$2 cport=$3 d=$FS_SECURE_DIR broker_pw ks_pw
  broker_pw=$(secure_password kafka broker)
  ks_pw=$(cat "$d/keystore.password")
  cat <<EOF
listeners=SASL_SSL://$host:$port,CONTROLLER://$host:$cport
advertised.listeners=SASL_SSL://$host:$port
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$broker_pw" user_broker="$broker_pw";
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$broker_pw";
ssl.keystore.type=PKCS12
ssl.keystore.location=$d/server.p12
ssl.keystore.password=$ks_pw
ssl.truststore.type=PEM
ssl.truststore.location=$d/ca.pem
# A client certificate is checked when one is sent (mTLS); SASL still names the principal.
ssl.client.auth=requested
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:broker;User:admin
allow.everyone.if.no.acl.found=false
EOF
}

# Client settings of the stack's own tools (topic creation, the health
# check, ACLs): the admin principal over SASL_SSL.
secure_kafka_tool_properties() {
  cat <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(secure_password kafka admin)";
ssl.truststore.type=PEM
ssl.truststore.location=$FS_SECURE_DIR/ca.pem
EOF
}

# kafka-storage format arguments that create the SCRAM users.
secure_kafka_format_args() {
  local user
  for user in "${SECURE_KAFKA_USERS[@]}"; do
    printf -- '--add-scram\nSCRAM-SHA-512=[name=%s,password=%s]\n' "$user" "$(secure_password kafka "$user")"
  done
}

# _secure_acl PRINCIPAL OPERATIONS RESOURCE...: allow the comma-separated
# OPERATIONS on each RESOURCE ("--topic NAME", "--group NAME",
# "--transactional-id NAME"), every name a prefix.
_secure_acl() {
  local principal=$1 ops=$2 op
  local -a args=(--bootstrap-server "$FS_KAFKA_BROKERS" --command-config "$KAFKA_TOOLS_CONFIG"
    --add --allow-principal "User:$principal" --resource-pattern-type prefixed)
  shift 2
  for op in ${ops//,/ }; do args+=(--operation "$op"); done
  # shellcheck disable=SC2206 # "--topic NAME" pairs; names have no spaces.
  for op in "$@"; do args+=($op); done
  kafka_tool org.apache.kafka.tools.AclCommand "${args[@]}" >>"$KAFKA_TOOLS_LOG" 2>&1
}

# Groups (and, through FS_TRANSACTIONAL_ID_PREFIX's default, transactional
# ids) the worker may use: names starting with one of these prefixes.
secure_worker_group_prefixes() { printf '%s\n' "${FS_SECURE_WORKER_GROUP_PREFIXES:-fraudstream-}" | tr ', ' '\n' | sed '/^$/d'; }

# The ACLs of docs/security.md. Prefixed rules on the topic names of
# topics.conf, so a name with a suffix (the tests' transactions-<uuid>) is
# covered too. Idempotent: adding an existing rule changes nothing. Five
# AclCommand JVMs, run at once.
secure_kafka_acls() {
  local g pid rc=0 groups=() txids=() pids=()
  while read -r g; do
    groups+=("--group $g")
    txids+=("--transactional-id $g")
  done < <(secure_worker_group_prefixes)
  _secure_acl worker Read,Describe "--topic $FS_TOPIC_TRANSACTIONS" "--topic $FS_TOPIC_LABELS" "${groups[@]}" &
  pids+=("$!")
  _secure_acl worker Write,Describe "--topic $FS_TOPIC_DECISIONS" "--topic $FS_TOPIC_DLQ" "${txids[@]}" &
  pids+=("$!")
  _secure_acl loadgen Write,Describe "--topic $FS_TOPIC_TRANSACTIONS" "--topic $FS_TOPIC_LABELS" &
  pids+=("$!")
  _secure_acl loadgen Read,Describe "--topic $FS_TOPIC_DECISIONS" "--topic $FS_TOPIC_DLQ" "--group fraudstream-loadgen" &
  pids+=("$!")
  # Its lag sampler reads the workers' committed offsets.
  _secure_acl loadgen Describe "${groups[@]}" &
  pids+=("$!")
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  return "$rc"
}

# Arguments of redis-server: TLS only (no plaintext port), the default user
# off, and the ACL file below.
secure_redis_args() {
  printf '%s\n' --port 0 --tls-port "$FS_REDIS_PORT" --tls-cert-file "$FS_SECURE_DIR/server.pem" \
    --tls-key-file "$FS_SECURE_DIR/server.key" --tls-ca-cert-file "$FS_SECURE_DIR/ca.pem" \
    --tls-auth-clients optional --aclfile "$FS_SECURE_DIR/redis-users.acl"
}

# The Redis ACL users, rewritten at every start (the passwords are files).
# worker: its key prefixes only (FS_SECURE_REDIS_WORKER_KEYS, default the
# feature store's and BullMQ's default prefixes) and the commands
# docs/security.md lists; loadgen reads feature records; admin is the stack's
# and the tests' own.
secure_write_redis_acl() {
  local keys=${FS_SECURE_REDIS_WORKER_KEYS:-'~fs:feat:* ~bull:*'} worker_cmds
  # Data commands (the feature store's and BullMQ's Lua scripts, the write
  # probe, BullMQ's blocking waits and streams) but no administration: no
  # CONFIG, FLUSHALL, KEYS, DEBUG, ACL, CLIENT KILL, MONITOR... INFO is
  # @dangerous but BullMQ reads the server's version from it.
  worker_cmds='+@all -@admin -@dangerous +info'
  (
    umask 077
    {
      echo 'user default off'
      printf 'user admin on >%s ~* &* +@all\n' "$(secure_password redis admin)"
      printf 'user worker on >%s %s &* %s\n' "$(secure_password redis worker)" "$keys" "$worker_cmds"
      printf 'user loadgen on >%s ~fs:feat:* -@all +@read +ping +info +hello +auth +client|setname\n' "$(secure_password redis loadgen)"
    } >"$FS_SECURE_DIR/redis-users.acl"
  )
}
