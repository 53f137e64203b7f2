// SPDX-License-Identifier: Apache-2.0
package it;

/** The application Jib puts in the image. */
public final class Hello {
    public static void main(String[] args) {
        System.out.println("hello from an image pushed to Berth");
    }
}
