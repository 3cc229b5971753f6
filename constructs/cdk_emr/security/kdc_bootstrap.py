"""The boot script of a replicated MIT KDC server (Amazon Linux 2023), as EC2 user data.

One primary KDC runs ``krb5kdc``, ``kadmind`` (kadmin, 749; kpasswd, 464) and, from cron, a
full propagation (``kdb5_util dump`` + ``kprop``) to every replica; each replica runs ``kpropd``
(754) and ``krb5kdc`` on the propagated database. This is MIT's documented primary/replica
layout: replicas issue tickets but do not administer the database (MIT krb5 installation guide,
"Installing KDCs", web.mit.edu/kerberos/www/krb5-1.5/krb5-1.5.4/doc/krb5-install/Installing-KDCs.html:
"Slave KDCs provide Kerberos ticket-granting services, but not database administration. This
allows clients to continue to obtain tickets when the master KDC is unavailable.").

- The master key is derived from the master password and the realm (``kdb5_util create -P``),
  so every server that creates its database with the same password and realm can decrypt a
  propagated dump.
- EMR authenticates to an external KDC as ``kadmin/admin`` with the cluster's
  ``KdcAdminPassword`` (the public external-KDC template ``omaraws/automated-kdc-build``, README:
  "KAdminPassword ... This password will be used as Kadmin/admin principal in realm"; the EMR
  guide names only the "KDC admin password"): to confirm on AWS.
- A replica registers itself with the primary over kadmin (its ``host/`` principal and keytab,
  and a marker principal ``kdc-replica/<host>`` the primary's cron lists to find its replicas),
  so no server needs another's address at synthesis except the replica the primary's.

Nothing here runs in the local AWS (moto starts no instance): the script is checked with
``bash -n`` and by reading; a first deployment to AWS must confirm it.
"""

from __future__ import annotations

from enum import StrEnum

KPROP_PORT = 754
"""MIT ``kpropd`` (full propagation) port."""


class KdcRole(StrEnum):
    """The part a KDC server plays in the realm."""

    PRIMARY = "primary"
    REPLICA = "replica"


_COMMON = r"""
set -euo pipefail
exec > >(tee -a /var/log/cdk-emr-kdc.log) 2>&1
dnf install -y krb5-server krb5-workstation cronie
secret() { aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text; }
MASTER_PASSWORD="$(secret "$MASTER_SECRET")"
ADMIN_PASSWORD="$(secret "$ADMIN_SECRET")"
HOST="$(hostname -f)"
cat > /etc/krb5.conf <<EOF
[libdefaults]
  default_realm = $REALM
  dns_lookup_realm = false
  dns_lookup_kdc = false
  rdns = false
[realms]
  $REALM = {
    kdc = $PRIMARY_HOST
    admin_server = $PRIMARY_HOST
  }
EOF
cat > /var/kerberos/krb5kdc/kdc.conf <<EOF
[kdcdefaults]
  kdc_ports = 88
  kdc_tcp_ports = 88
[realms]
  $REALM = {
    max_life = ${TICKET_LIFETIME_HOURS}h 0m 0s
    max_renewable_life = 7d 0h 0m 0s
    acl_file = /var/kerberos/krb5kdc/kadm5.acl
    key_stash_file = /var/kerberos/krb5kdc/.k5.$REALM
  }
EOF
echo "kadmin/admin@$REALM *" > /var/kerberos/krb5kdc/kadm5.acl
if [ ! -f "/var/kerberos/krb5kdc/.k5.$REALM" ]; then
  kdb5_util create -s -r "$REALM" -P "$MASTER_PASSWORD"
fi
"""

_PRIMARY = r"""
kadmin.local -q "cpw -pw $ADMIN_PASSWORD kadmin/admin@$REALM"
kadmin.local -q "addprinc -randkey host/$HOST@$REALM" || true
kadmin.local -q "ktadd -k /etc/krb5.keytab host/$HOST@$REALM"
systemctl enable --now krb5kdc kadmin crond
cat > /usr/local/sbin/cdk-emr-kprop <<'EOF'
#!/bin/bash
# Full propagation to every registered replica (MIT "Propagate the database to each replica KDC").
set -euo pipefail
REALM="$1"
kdb5_util dump /var/kerberos/krb5kdc/replica_datatrans
for marker in $(kadmin.local -q "listprincs kdc-replica/*" | grep "^kdc-replica/"); do
  replica="${marker#kdc-replica/}"
  replica="${replica%@*}"
  kprop -r "$REALM" -f /var/kerberos/krb5kdc/replica_datatrans "$replica" || logger -t cdk-emr-kprop "kprop to $replica failed"
done
EOF
chmod 700 /usr/local/sbin/cdk-emr-kprop
echo "*/$REPLICATION_MINUTES * * * * root /usr/local/sbin/cdk-emr-kprop $REALM" > /etc/cron.d/cdk-emr-kprop
"""

_REPLICA = r"""
echo "host/$PRIMARY_HOST@$REALM" > /var/kerberos/krb5kdc/kpropd.acl
until kadmin -p "kadmin/admin@$REALM" -w "$ADMIN_PASSWORD" -s "$PRIMARY_HOST" -q "getprinc kadmin/admin" >/dev/null; do
  sleep 15
done
kadmin -p "kadmin/admin@$REALM" -w "$ADMIN_PASSWORD" -s "$PRIMARY_HOST" -q "addprinc -randkey host/$HOST@$REALM" || true
kadmin -p "kadmin/admin@$REALM" -w "$ADMIN_PASSWORD" -s "$PRIMARY_HOST" -q "ktadd -k /etc/krb5.keytab host/$HOST@$REALM"
kadmin -p "kadmin/admin@$REALM" -w "$ADMIN_PASSWORD" -s "$PRIMARY_HOST" -q "addprinc -randkey kdc-replica/$HOST@$REALM" || true
systemctl enable --now kprop
# Serve tickets only from a propagated database (kpropd writes from_master when a dump arrives).
until [ -f /var/kerberos/krb5kdc/from_master ]; do
  sleep 10
done
systemctl enable --now krb5kdc
"""


def kdc_boot_script(role: KdcRole) -> str:
    """The script body for ``role``; it expects the variables of :data:`BOOT_VARIABLES` set before it
    (the primary sets ``PRIMARY_HOST`` to its own ``hostname -f``)."""
    return _COMMON + (_PRIMARY if role == KdcRole.PRIMARY else _REPLICA)


BOOT_VARIABLES = (
    "REGION",
    "REALM",
    "MASTER_SECRET",
    "ADMIN_SECRET",
    "PRIMARY_HOST",
    "TICKET_LIFETIME_HOURS",
    "REPLICATION_MINUTES",
)
"""Shell variables the boot script reads (set by the user data before the script)."""
