/*
 * A digest-protected copy of the SSL endpoint on GNU libmicrohttpd, for
 * tests/cli/microhttpd.rs. Written as libmicrohttpd's own
 * src/examples/digest_auth_example.c is: MHD_digest_auth_check2, and a 401
 * from MHD_queue_auth_fail_response2 that says stale="true" when the check
 * answered MHD_INVALID_NONCE. libmicrohttpd binds each nonce to the URI it
 * was issued for and keeps the nonces it issued in a table of
 * MHD_OPTION_NONCE_NC_SIZE slots (4 by default): a nonce evicted from it, or
 * a nonce count it has seen, is refused without stale.
 *
 * Usage: server ALGORITHM NONCE_SLOTS STALE USER PASSWORD LOG_FILE
 *   ALGORITHM   md5 or sha256
 *   NONCE_SLOTS the nonce table's size; 0 keeps libmicrohttpd's default
 *   STALE       "stale": stale="true" when the check said MHD_INVALID_NONCE
 *               (as the example); "never": every refusal without stale
 * Listens on 127.0.0.1 on a free port and prints "port N" on stdout.
 * Appends one line per answer to LOG_FILE: "STATUS AUTH URL" (AUTH: signed
 * or unsigned). Stops on SIGTERM.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REALM "OceanBase Cloud API"
#define OPAQUE "11733b200778ce33060f31c9af70a870ba96ddd4"
#define PREFIX "/api/v2/instances/"
#define SUFFIX "/security/ssl"

static const char *user;
static const char *password;
static enum MHD_DigestAuthAlgorithm algorithm;
static int log_fd;
static int signal_stale;

static void log_answer (unsigned int status, int signed_request, const char *url)
{
  char line[512];
  int n = snprintf (line, sizeof line, "%u %s %s\n", status,
                    signed_request ? "signed" : "unsigned", url);
  if (n > 0 && (size_t) n < sizeof line)
    (void) write (log_fd, line, (size_t) n); /* O_APPEND: one write, one line */
}

static enum MHD_Result queue_text (struct MHD_Connection *connection,
                                   unsigned int status, const char *type,
                                   const char *text)
{
  struct MHD_Response *response = MHD_create_response_from_buffer (
    strlen (text), (void *) text, MHD_RESPMEM_MUST_COPY);
  enum MHD_Result ret;
  if (NULL == response)
    return MHD_NO;
  MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
  ret = MHD_queue_response (connection, status, response);
  MHD_destroy_response (response);
  return ret;
}

static enum MHD_Result answer (void *cls, struct MHD_Connection *connection,
                               const char *url, const char *method,
                               const char *version, const char *upload_data,
                               size_t *upload_data_size, void **req_cls)
{
  static int first_call;
  char *name;
  int check;
  int signed_request;
  (void) cls; (void) version; (void) upload_data; (void) upload_data_size;

  if (NULL == *req_cls)
  {
    *req_cls = &first_call; /* answer once the whole request is in */
    return MHD_YES;
  }
  if (0 != strcmp (method, MHD_HTTP_METHOD_GET))
    return queue_text (connection, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "GET only\n");
  signed_request = NULL != MHD_lookup_connection_value (
    connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  name = MHD_digest_auth_get_username (connection);
  check = MHD_NO;
  if (NULL != name)
  {
    check = (0 == strcmp (name, user))
            ? MHD_digest_auth_check2 (connection, REALM, user, password, 300, algorithm)
            : MHD_NO;
    MHD_free (name);
  }
  if (MHD_YES != check)
  {
    static const char denied[] = "Access denied\n";
    struct MHD_Response *response = MHD_create_response_from_buffer (
      strlen (denied), (void *) denied, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;
    if (NULL == response)
      return MHD_NO;
    ret = MHD_queue_auth_fail_response2 (connection, REALM, OPAQUE, response,
                                         (signal_stale && MHD_INVALID_NONCE == check) ? MHD_YES : MHD_NO,
                                         algorithm);
    MHD_destroy_response (response);
    log_answer (MHD_HTTP_UNAUTHORIZED, signed_request, url);
    return ret;
  }
  {
    size_t len = strlen (url);
    size_t id_len;
    char body[1024];
    if (len <= strlen (PREFIX) + strlen (SUFFIX)
        || 0 != strncmp (url, PREFIX, strlen (PREFIX))
        || 0 != strcmp (url + len - strlen (SUFFIX), SUFFIX))
    {
      log_answer (MHD_HTTP_NOT_FOUND, signed_request, url);
      return queue_text (connection, MHD_HTTP_NOT_FOUND, "application/json",
                         "{\"success\":false,\"errorCode\":\"NotFound\","
                         "\"errorMessage\":\"no such endpoint\"}");
    }
    id_len = len - strlen (PREFIX) - strlen (SUFFIX);
    snprintf (body, sizeof body,
              "{\"success\":true,\"requestId\":\"microhttpd\",\"data\":{"
              "\"instanceId\":\"%.*s\",\"enableSSL\":\"OPEN\",\"forceSSL\":\"OPEN\","
              "\"forceSSLSupport\":true,\"certValid\":true,"
              "\"validPeriod\":\"2031-06-01T00:00:00Z\",\"autoUpdate\":\"OPEN\","
              "\"certificationType\":\"SSL\",\"status\":\"OPEN\",\"caUrl\":null}}",
              (int) id_len, url + strlen (PREFIX));
    log_answer (MHD_HTTP_OK, signed_request, url);
    return queue_text (connection, MHD_HTTP_OK, "application/json", body);
  }
}

static volatile sig_atomic_t stopping;
static void on_term (int sig) { (void) sig; stopping = 1; }

int main (int argc, char **argv)
{
  struct sockaddr_in addr;
  struct MHD_Daemon *daemon;
  const union MHD_DaemonInfo *info;
  unsigned int slots;
  if (7 != argc)
  {
    fprintf (stderr, "usage: %s md5|sha256 NONCE_SLOTS stale|never USER PASSWORD LOG_FILE\n",
             argv[0]);
    return 2;
  }
  if (0 == strcmp (argv[1], "md5"))
    algorithm = MHD_DIGEST_ALG_MD5;
  else if (0 == strcmp (argv[1], "sha256"))
    algorithm = MHD_DIGEST_ALG_SHA256;
  else
  {
    fprintf (stderr, "unknown algorithm %s\n", argv[1]);
    return 2;
  }
  slots = (unsigned int) strtoul (argv[2], NULL, 10);
  signal_stale = 0 == strcmp (argv[3], "stale");
  user = argv[4];
  password = argv[5];
  log_fd = open (argv[6], O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (log_fd < 0)
  {
    perror ("log file");
    return 1;
  }
  memset (&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (0 == slots)
    daemon = MHD_start_daemon (
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
      0, NULL, NULL, &answer, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
      MHD_OPTION_END);
  else
    daemon = MHD_start_daemon (
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
      0, NULL, NULL, &answer, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
      MHD_OPTION_NONCE_NC_SIZE, slots,
      MHD_OPTION_END);
  if (NULL == daemon)
  {
    fprintf (stderr, "MHD_start_daemon failed\n");
    return 1;
  }
  info = MHD_get_daemon_info (daemon, MHD_DAEMON_INFO_BIND_PORT);
  if (NULL == info || 0 == info->port)
  {
    fprintf (stderr, "no port\n");
    return 1;
  }
  printf ("port %u\n", (unsigned int) info->port);
  fflush (stdout);
  signal (SIGTERM, on_term);
  signal (SIGINT, on_term);
  while (! stopping)
    pause ();
  MHD_stop_daemon (daemon);
  return 0;
}
