/*
 * tls_verify.c — certificate chain and host name verification with GnuTLS
 * trust lists; see tls_verify.h for why the IMAP module needs it.
 *
 * A fresh trust list per call: the daemon connects a few times an hour, so
 * loading the system store (a few milliseconds) costs nothing, and a CA
 * file replaced on disk (certificate renewal) is picked up without restart.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "base/mem.h"
#include "base/tls_verify.h"

#define TLS_VERIFY_MAX_CHAIN 16		/* GnuTLS's own default depth */

/* Writes "certificate not trusted: <GnuTLS's reasons>" for `status`. */
static void
tls_verify_status_text(unsigned int status, const char *hostname, char *err,
    size_t errlen)
{
	static const char prefix[] = "The certificate is NOT trusted. ";
	gnutls_datum_t out = { NULL, 0 };
	const char *why = "verification failed";
	size_t n;

	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &out, 0) == 0 && out.data != NULL) {
		why = (const char *)out.data;
		if (strncmp(why, prefix, sizeof(prefix) - 1) == 0 &&
		    why[sizeof(prefix) - 1] != '\0')
			why += sizeof(prefix) - 1;
	}
	n = strlen(why);
	while (n > 0 && why[n - 1] == ' ')
		n--;
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		snprintf(err, errlen, "certificate not trusted: %.*s "
		    "(expected '%s')", (int)n, why, hostname);
	else
		snprintf(err, errlen, "certificate not trusted: %.*s",
		    (int)n, why);
	gnutls_free(out.data);
}

int
tls_verify_chain(const unsigned char *const *der, const size_t *der_len,
    size_t n, const char *hostname, const char *ca_file, char *err,
    size_t errlen)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t *crts = NULL;
	gnutls_typed_vdata_st vdata[2];
	unsigned int status = 0;
	size_t ncrt = 0;
	int r, rc = -1;

	if (n == 0) {
		snprintf(err, errlen, "the server sent no certificate");
		goto out;
	}
	if (n > TLS_VERIFY_MAX_CHAIN) {
		snprintf(err, errlen, "certificate chain too long (%zu "
		    "certificates, at most %d)", n, TLS_VERIFY_MAX_CHAIN);
		goto out;
	}
	if (hostname == NULL || *hostname == '\0') {
		snprintf(err, errlen, "no host name to check the certificate "
		    "against");
		goto out;
	}

	if ((r = gnutls_x509_trust_list_init(&tl, 0)) < 0) {
		snprintf(err, errlen, "trust list: %s", gnutls_strerror(r));
		tl = NULL;
		goto out;
	}
	if (ca_file != NULL) {
		r = gnutls_x509_trust_list_add_trust_file(tl, ca_file, NULL,
		    GNUTLS_X509_FMT_PEM, 0, 0);
		if (r < 0) {
			snprintf(err, errlen, "CA file %s: %s", ca_file,
			    gnutls_strerror(r));
			goto out;
		}
		if (r == 0) {
			snprintf(err, errlen, "CA file %s: no PEM certificate "
			    "in it", ca_file);
			goto out;
		}
	} else {
		r = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
		if (r < 0) {
			snprintf(err, errlen, "system CA store: %s",
			    gnutls_strerror(r));
			goto out;
		}
		if (r == 0) {
			snprintf(err, errlen, "the system CA store is empty "
			    "(is ca-certificates installed?); set ca_file =");
			goto out;
		}
	}

	crts = xcalloc(n, sizeof(*crts));
	for (ncrt = 0; ncrt < n; ncrt++) {
		gnutls_datum_t d;

		if (der_len[ncrt] > UINT32_MAX) {
			snprintf(err, errlen, "certificate %zu of the chain "
			    "is too large", ncrt + 1);
			goto out;
		}
		d.data = (unsigned char *)der[ncrt];
		d.size = (unsigned int)der_len[ncrt];
		if ((r = gnutls_x509_crt_init(&crts[ncrt])) < 0) {
			snprintf(err, errlen, "certificate: %s",
			    gnutls_strerror(r));
			goto out;
		}
		r = gnutls_x509_crt_import(crts[ncrt], &d,
		    GNUTLS_X509_FMT_DER);
		if (r < 0) {
			ncrt++;		/* initialised: deinit it below */
			snprintf(err, errlen, "certificate %zu of the chain "
			    "cannot be read: %s", ncrt, gnutls_strerror(r));
			goto out;
		}
	}

	memset(vdata, 0, sizeof(vdata));
	vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vdata[0].data = (unsigned char *)hostname;
	vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	r = gnutls_x509_trust_list_verify_crt2(tl, crts, (unsigned int)n,
	    vdata, 2, 0, &status, NULL);
	if (r < 0) {
		snprintf(err, errlen, "certificate verification: %s",
		    gnutls_strerror(r));
		goto out;
	}
	if (status != 0) {
		tls_verify_status_text(status, hostname, err, errlen);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < ncrt; i++)
		gnutls_x509_crt_deinit(crts[i]);
	free(crts);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	return rc;
}
