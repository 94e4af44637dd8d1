package io.osprey.media.codec;

/**
 * The general profile, tier and level of an H.265 stream (ISO 23008-2 7.3.3), as carried in the SPS and the hvcC
 * record, with the RFC 6381 / ISO 14496-15 Annex E codecs string.
 *
 * @param profileSpace       general_profile_space (0..3)
 * @param highTier           general_tier_flag
 * @param profileIdc         general_profile_idc (1 = Main, 2 = Main 10)
 * @param compatibilityFlags general_profile_compatibility_flag[0..31], flag 0 in the most significant bit
 * @param constraintFlags    the 48 bits from general_progressive_source_flag on, in the low bits
 * @param levelIdc           general_level_idc (30 x the level number, 93 = level 3.1)
 */
public record HevcProfileTierLevel(int profileSpace, boolean highTier, int profileIdc, int compatibilityFlags,
                                   long constraintFlags, int levelIdc) {

    /**
     * 7.3.3 profile_tier_level(1, maxNumSubLayersMinus1): general_profile_space u(2), general_tier_flag u(1),
     * general_profile_idc u(5), general_profile_compatibility_flag[32], 48 constraint bits, general_level_idc u(8),
     * then the sub-layer flags and sub-layer profile/level fields, which are skipped.
     */
    static HevcProfileTierLevel read(BitReader r, int maxSubLayersMinus1) throws CodecException {
        int space = r.readBits(2);
        boolean tier = r.readFlag();
        int idc = r.readBits(5);
        int compat = (int) r.readBitsLong(32);
        long constraints = r.readBitsLong(48);
        int level = r.readBits(8);
        boolean[] profilePresent = new boolean[maxSubLayersMinus1];
        boolean[] levelPresent = new boolean[maxSubLayersMinus1];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.readFlag(); // sub_layer_profile_present_flag[i]
            levelPresent[i] = r.readFlag(); // sub_layer_level_present_flag[i]
        }
        if (maxSubLayersMinus1 > 0) {
            r.skipBits(2L * (8 - maxSubLayersMinus1)); // reserved_zero_2bits for i in maxSubLayersMinus1..7
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            if (profilePresent[i]) {
                r.skipBits(88); // sub_layer_profile_space .. sub_layer_inbld_flag
            }
            if (levelPresent[i]) {
                r.skipBits(8); // sub_layer_level_idc
            }
        }
        return new HevcProfileTierLevel(space, tier, idc, compat, constraints, level);
    }

    /**
     * ISO 14496-15 E.3: {@code <fourcc>.[A-C]<profile>.<compat reversed, hex>.<L|H><level>[.<constraint byte>]*}
     * with trailing zero constraint bytes omitted, e.g. {@code hvc1.1.6.L93.B0}.
     */
    public String codecString(String fourCc) {
        StringBuilder s = new StringBuilder(fourCc).append('.');
        if (profileSpace > 0) {
            s.append((char) ('A' + profileSpace - 1));
        }
        s.append(profileIdc).append('.').append(Integer.toHexString(Integer.reverse(compatibilityFlags)).toUpperCase());
        s.append('.').append(highTier ? 'H' : 'L').append(levelIdc);
        int bytes = 6;
        while (bytes > 0 && (constraintFlags >>> (8 * (6 - bytes)) & 0xFF) == 0) {
            bytes--;
        }
        for (int i = 0; i < bytes; i++) {
            s.append('.').append(Integer.toHexString((int) (constraintFlags >>> (8 * (5 - i)) & 0xFF)).toUpperCase());
        }
        return s.toString();
    }
}
