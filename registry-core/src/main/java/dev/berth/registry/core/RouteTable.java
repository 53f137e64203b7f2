// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.util.List;

/**
 * Every endpoint with what it needs of the caller, in one table: authorization and read-only
 * mode read the access column, so a route cannot be added without saying whether it pulls,
 * pushes or deletes (RouteTableTest checks the column against each method).
 */
final class RouteTable {
    /** What a route does to its repository. */
    enum Access {
        /** {@code GET /v2/}: anonymous callers are asked to log in. */
        BASE,
        /** The catalog: filtered by what the caller may pull. */
        CATALOG,
        PULL,
        PUSH,
        DELETE;

        /** The action authorization checks and read-only mode refuses (all but pulls). */
        java.util.Optional<AccessControl.Action> action() {
            return switch (this) {
                case BASE, CATALOG -> java.util.Optional.empty();
                case PULL -> java.util.Optional.of(AccessControl.Action.PULL);
                case PUSH -> java.util.Optional.of(AccessControl.Action.PUSH);
                case DELETE -> java.util.Optional.of(AccessControl.Action.DELETE);
            };
        }
    }

    /** One row: spec id, method, path template, access, and what storage's not-found means there. */
    record Row(String id, String method, String template, Access access, ErrorCode notFound) {
        Row {
            java.util.Objects.requireNonNull(access, "access");
        }
    }

    private static final ErrorCode BLOB = ErrorCode.BLOB_UNKNOWN;
    private static final ErrorCode UPLOAD = ErrorCode.BLOB_UPLOAD_UNKNOWN;
    private static final ErrorCode MANIFEST = ErrorCode.MANIFEST_UNKNOWN;
    private static final ErrorCode NAME = ErrorCode.NAME_UNKNOWN;

    static final List<Row> ROWS = List.of(
            new Row("end-1",   "GET",    "/v2/",                          Access.BASE,    NAME),
            new Row("catalog", "GET",    "/v2/_catalog",                  Access.CATALOG, NAME),
            new Row("end-4",   "POST",   "/v2/{name}/blobs/uploads/",     Access.PUSH,    BLOB),
            new Row("end-13",  "GET",    "/v2/{name}/blobs/uploads/{id}", Access.PUSH,    UPLOAD),
            new Row("end-5",   "PATCH",  "/v2/{name}/blobs/uploads/{id}", Access.PUSH,    UPLOAD),
            new Row("end-6",   "PUT",    "/v2/{name}/blobs/uploads/{id}", Access.PUSH,    UPLOAD),
            new Row("end-14",  "DELETE", "/v2/{name}/blobs/uploads/{id}", Access.PUSH,    UPLOAD),
            new Row("end-2",   "GET",    "/v2/{name}/blobs/{digest}",     Access.PULL,    BLOB),
            new Row("end-10",  "DELETE", "/v2/{name}/blobs/{digest}",     Access.DELETE,  BLOB),
            new Row("end-3",   "GET",    "/v2/{name}/manifests/{ref}",    Access.PULL,    MANIFEST),
            new Row("end-7",   "PUT",    "/v2/{name}/manifests/{ref}",    Access.PUSH,    MANIFEST),
            new Row("end-9",   "DELETE", "/v2/{name}/manifests/{ref}",    Access.DELETE,  MANIFEST),
            new Row("end-8",   "GET",    "/v2/{name}/tags/list",          Access.PULL,    NAME),
            new Row("end-12",  "GET",    "/v2/{name}/referrers/{digest}", Access.PULL,    MANIFEST));

    private RouteTable() {
    }
}
