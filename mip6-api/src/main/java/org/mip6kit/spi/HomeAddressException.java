package org.mip6kit.spi;

/**
 * A home address could not be allocated, adopted, reserved or released: the pool is empty,
 * the address belongs to another identity, or it lies outside the home prefixes.
 */
public class HomeAddressException extends Exception {

    public HomeAddressException(String message) {
        super(message);
    }
}
