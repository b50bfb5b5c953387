/* shot: writes the whole root window of $DISPLAY as a PNG (escale-shot OUT.png). */
#include <cairo.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xcb/xcb.h>

static xcb_visualtype_t *find_visual(xcb_screen_t *s, xcb_visualid_t id)
{
	for (xcb_depth_iterator_t d = xcb_screen_allowed_depths_iterator(s); d.rem;
	     xcb_depth_next(&d))
		for (xcb_visualtype_iterator_t v = xcb_depth_visuals_iterator(d.data); v.rem;
		     xcb_visualtype_next(&v))
			if (v.data->visual_id == id)
				return v.data;
	return NULL;
}

/* Scales the bits of PIXEL under MASK to 0..255. */
static uint32_t channel(uint32_t pixel, uint32_t mask)
{
	if (!mask)
		return 0;
	int shift = __builtin_ctz(mask);
	uint32_t max = mask >> shift;
	return ((pixel & mask) >> shift) * 255 / max;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: escale-shot OUT.png\n");
		return 2;
	}
	int screen_no;
	xcb_connection_t *c = xcb_connect(NULL, &screen_no);
	if (xcb_connection_has_error(c)) {
		fprintf(stderr, "escale-shot: cannot connect to the X display\n");
		return 1;
	}
	const xcb_setup_t *setup = xcb_get_setup(c);
	xcb_screen_iterator_t it = xcb_setup_roots_iterator(setup);
	for (int i = 0; i < screen_no && it.rem; i++)
		xcb_screen_next(&it);
	xcb_screen_t *s = it.data;
	xcb_visualtype_t *vis = find_visual(s, s->root_visual);
	int bpp = 0;
	for (xcb_format_iterator_t f = xcb_setup_pixmap_formats_iterator(setup); f.rem;
	     xcb_format_next(&f))
		if (f.data->depth == s->root_depth)
			bpp = f.data->bits_per_pixel;
	if (!vis || vis->_class != XCB_VISUAL_CLASS_TRUE_COLOR || bpp != 32) {
		fprintf(stderr, "escale-shot: only TrueColor visuals with 32 bits per pixel "
				"(depth 24 or 32) are supported\n");
		xcb_disconnect(c);
		return 1;
	}
	int w = s->width_in_pixels, h = s->height_in_pixels;
	xcb_generic_error_t *err = NULL;
	xcb_get_image_reply_t *img =
		xcb_get_image_reply(c,
				    xcb_get_image(c, XCB_IMAGE_FORMAT_Z_PIXMAP, s->root, 0, 0,
						  (uint16_t)w, (uint16_t)h, UINT32_MAX),
				    &err);
	if (!img) {
		fprintf(stderr, "escale-shot: GetImage failed (X error %d)\n",
			err ? err->error_code : -1);
		free(err);
		xcb_disconnect(c);
		return 1;
	}
	const uint8_t *data = xcb_get_image_data(img);
	size_t len = (size_t)xcb_get_image_data_length(img);
	size_t src_stride = h ? len / (size_t)h : 0; /* scanlines are padded by the server */
	if (src_stride < (size_t)w * 4) {
		fprintf(stderr, "escale-shot: short image (%zu bytes for %dx%d)\n", len, w, h);
		free(img);
		xcb_disconnect(c);
		return 1;
	}
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	int ret = 1;
	if (cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS) {
		cairo_surface_flush(surf);
		uint8_t *dst = cairo_image_surface_get_data(surf);
		int dst_stride = cairo_image_surface_get_stride(surf);
		bool msb = setup->image_byte_order == XCB_IMAGE_ORDER_MSB_FIRST;
		for (int y = 0; y < h; y++) {
			const uint8_t *sp = data + (size_t)y * src_stride;
			uint32_t *dp = (uint32_t *)(dst + (size_t)y * (size_t)dst_stride);
			for (int x = 0; x < w; x++, sp += 4) {
				uint32_t p = msb ? (uint32_t)sp[0] << 24 | (uint32_t)sp[1] << 16 |
							     (uint32_t)sp[2] << 8 | sp[3]
						 : (uint32_t)sp[3] << 24 | (uint32_t)sp[2] << 16 |
							     (uint32_t)sp[1] << 8 | sp[0];
				dp[x] = channel(p, vis->red_mask) << 16 |
					channel(p, vis->green_mask) << 8 |
					channel(p, vis->blue_mask);
			}
		}
		cairo_surface_mark_dirty(surf);
		cairo_status_t st = cairo_surface_write_to_png(surf, argv[1]);
		if (st == CAIRO_STATUS_SUCCESS)
			ret = 0;
		else
			fprintf(stderr, "escale-shot: %s: %s\n", argv[1],
				cairo_status_to_string(st));
	}
	cairo_surface_destroy(surf);
	free(img);
	xcb_disconnect(c);
	return ret;
}
