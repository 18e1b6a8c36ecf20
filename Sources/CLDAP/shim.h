// OpenLDAP's client library (Debian libldap-dev), with the few steps Unblock takes as functions:
// its macros with casts (LDAP_SASL_SIMPLE, LDAP_SCOPE_SUBTREE) and struct timeval do not import.
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <stdlib.h>
#include <sys/time.h>

/* A handle for `url`: LDAPv3, no referrals, `seconds` for connecting and for each operation,
   certificates checked against `caFile` (NULL: the system's). Returns an LDAP result code. */
static inline int unblock_ldap_open(const char *url, const char *caFile, int seconds, LDAP **handle) {
    int result = ldap_initialize(handle, url);
    if (result != LDAP_SUCCESS) return result;
    int version = LDAP_VERSION3;
    struct timeval timeout = {seconds, 0};
    int demand = LDAP_OPT_X_TLS_DEMAND;
    int fresh = 0;
    ldap_set_option(*handle, LDAP_OPT_PROTOCOL_VERSION, &version);
    ldap_set_option(*handle, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    ldap_set_option(*handle, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
    ldap_set_option(*handle, LDAP_OPT_TIMEOUT, &timeout);
    ldap_set_option(*handle, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
    if (caFile != NULL) ldap_set_option(*handle, LDAP_OPT_X_TLS_CACERTFILE, caFile);
    return ldap_set_option(*handle, LDAP_OPT_X_TLS_NEWCTX, &fresh);
}

/* A simple bind; the password's length is given (it may hold any byte but NUL). */
static inline int unblock_ldap_bind(LDAP *handle, const char *dn, const char *password, size_t length) {
    struct berval credentials = {(ber_len_t)length, (char *)password};
    return ldap_sasl_bind_s(handle, dn, LDAP_SASL_SIMPLE, &credentials, NULL, NULL, NULL);
}

/* A search of the subtree under `base` (or of `base` alone), at most `limit` entries. */
static inline int unblock_ldap_search(LDAP *handle, const char *base, int subtree, const char *filter,
                                      char **attributes, int seconds, int limit, LDAPMessage **result) {
    struct timeval timeout = {seconds, 0};
    return ldap_search_ext_s(handle, base, subtree ? LDAP_SCOPE_SUBTREE : LDAP_SCOPE_BASE, filter, attributes, 0,
                             NULL, NULL, &timeout, limit, result);
}
