/* wire: words that several escale programs must spell alike. */
#ifndef ESCALE_WIRE_H
#define ESCALE_WIRE_H

/* The CUPS user name of a kiosk's print jobs is this prefix and the kiosk's name (kiosk.conf
 * print.kiosk_name, written into its browser's client.conf); admind reads the name back
 * from job-originating-user-name to tie the job to that kiosk. */
#define KPRINT_USER_PREFIX "escale-kiosk."

#endif
