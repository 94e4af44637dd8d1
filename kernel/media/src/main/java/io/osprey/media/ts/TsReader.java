package io.osprey.media.ts;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader of single-program transport streams for tests and verification (ISO 13818-1): checks every sync
 * byte, continuity counter, adaptation field length and section CRC, and reassembles the PES packets of the
 * program's streams with their PTS/DTS. Not a demuxer for arbitrary broadcast input.
 */
public final class TsReader {

    /**
     * One reassembled PES packet.
     *
     * @param pid          its PID
     * @param streamId     PES stream_id
     * @param pts          PTS in 90 kHz units, -1 if absent
     * @param dts          DTS in 90 kHz units (equal to the PTS when only a PTS is coded), -1 if absent
     * @param randomAccess random_access_indicator of its first packet
     * @param pcr          PCR base of its first packet, -1 if none
     * @param payload      the elementary stream bytes after the PES header
     */
    public record Pes(int pid, int streamId, long pts, long dts, boolean randomAccess, long pcr, byte[] payload) {
    }

    /**
     * What a stream contained.
     *
     * @param pmtPid      the PMT PID from the PAT
     * @param pcrPid      PCR_PID from the PMT
     * @param streamTypes stream_type per elementary PID, in PMT order
     * @param pes         every PES packet, in the order their first packets appear
     * @param pcrs        every PCR base in stream order (also from PCR-only packets)
     * @param packets     the number of transport packets
     */
    public record Result(int pmtPid, int pcrPid, Map<Integer, Integer> streamTypes, List<Pes> pes, List<Long> pcrs,
                         int packets) {
    }

    private static final class Assembly {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean randomAccess;
        long pcr = -1;
        int startPacket;
    }

    private TsReader() {
    }

    /** Reads a whole stream (a multiple of 188 bytes); {@code ts} is not consumed. */
    public static Result read(ByteBuffer ts) throws TsFormatException {
        ByteBuffer b = ts.duplicate();
        if (b.remaining() % TsPacket.SIZE != 0) {
            throw new TsFormatException("length " + b.remaining() + " is not a multiple of 188");
        }
        int pmtPid = -1;
        int pcrPid = -1;
        Map<Integer, Integer> types = new LinkedHashMap<>();
        Map<Integer, Integer> counters = new HashMap<>();
        Map<Integer, Assembly> open = new HashMap<>();
        Map<Integer, Pes> pes = new java.util.TreeMap<>(); // by first packet index: stream order
        List<Long> pcrs = new ArrayList<>();
        byte[] p = new byte[TsPacket.SIZE];
        int packets = 0;
        while (b.hasRemaining()) {
            b.get(p);
            int index = packets++;
            // sync_byte 8, transport_error_indicator 1, payload_unit_start_indicator 1, transport_priority 1,
            // PID 13, transport_scrambling_control 2, adaptation_field_control 2, continuity_counter 4
            if ((p[0] & 0xFF) != TsPacket.SYNC_BYTE) {
                throw new TsFormatException("packet " + index + ": sync byte " + (p[0] & 0xFF));
            }
            boolean start = (p[1] & 0x40) != 0;
            int pid = (p[1] & 0x1F) << 8 | p[2] & 0xFF;
            int afc = p[3] >> 4 & 3;
            int cc = p[3] & 0xF;
            if (afc == 0 || (p[3] & 0xC0) != 0 || (p[1] & 0x80) != 0) {
                throw new TsFormatException("packet " + index + ": reserved/scrambled/error header bits");
            }
            boolean payload = (afc & 1) != 0;
            Integer last = counters.get(pid);
            int expected = last == null ? cc : payload ? (last + 1) & 0xF : last;
            if (cc != expected) {
                throw new TsFormatException("packet " + index + " PID " + pid + ": continuity " + cc + " after " + last);
            }
            counters.put(pid, cc);
            int pos = 4;
            boolean randomAccess = false;
            long pcr = -1;
            if ((afc & 2) != 0) {
                int len = p[4] & 0xFF;
                if (payload ? len > 182 : len != 183) {
                    throw new TsFormatException("packet " + index + ": adaptation_field_length " + len);
                }
                if (len > 0) {
                    randomAccess = (p[5] & 0x40) != 0;
                    if ((p[5] & 0x10) != 0) {
                        if (len < 7) {
                            throw new TsFormatException("packet " + index + ": PCR flag in a short adaptation field");
                        }
                        pcr = (p[6] & 0xFFL) << 25 | (p[7] & 0xFF) << 17 | (p[8] & 0xFF) << 9 | (p[9] & 0xFF) << 1
                                | (p[10] & 0xFF) >> 7;
                        pcrs.add(pcr);
                    }
                }
                pos += 1 + len;
            }
            if (!payload) {
                continue;
            }
            if (pid == TsPacket.PAT_PID || pid == pmtPid) {
                if (!start) {
                    throw new TsFormatException("multi-packet sections are not supported");
                }
                byte[] section = section(p, pos, index);
                if (pid == TsPacket.PAT_PID) {
                    // program_number 16, reserved 3, program_map_PID 13 (one program)
                    pmtPid = (section[10] & 0x1F) << 8 | section[11] & 0xFF;
                } else {
                    pcrPid = (section[8] & 0x1F) << 8 | section[9] & 0xFF;
                    int infoLength = (section[10] & 0x0F) << 8 | section[11] & 0xFF;
                    types.clear();
                    for (int i = 12 + infoLength; i + 5 <= section.length - 4; ) {
                        int esPid = (section[i + 1] & 0x1F) << 8 | section[i + 2] & 0xFF;
                        types.put(esPid, section[i] & 0xFF);
                        i += 5 + ((section[i + 3] & 0x0F) << 8 | section[i + 4] & 0xFF);
                    }
                }
                continue;
            }
            if (!types.containsKey(pid)) {
                throw new TsFormatException("packet " + index + ": PID " + pid + " not in the PMT");
            }
            if (start) {
                Assembly done = open.remove(pid);
                if (done != null) {
                    pes.put(done.startPacket, PesParser.parse(pid, done.bytes.toByteArray(), done.randomAccess,
                            done.pcr));
                }
                Assembly a = new Assembly();
                a.startPacket = index;
                a.randomAccess = randomAccess;
                a.pcr = pcr;
                open.put(pid, a);
            }
            Assembly a = open.get(pid);
            if (a == null) {
                throw new TsFormatException("packet " + index + ": payload before any unit start on PID " + pid);
            }
            a.bytes.write(p, pos, TsPacket.SIZE - pos);
        }
        for (Map.Entry<Integer, Assembly> e : open.entrySet()) {
            Assembly a = e.getValue();
            pes.put(a.startPacket, PesParser.parse(e.getKey(), a.bytes.toByteArray(), a.randomAccess, a.pcr));
        }
        return new Result(pmtPid, pcrPid, types, List.copyOf(pes.values()), pcrs, packets);
    }

    /** pointer_field, then a section checked for table syntax, length and CRC_32. */
    private static byte[] section(byte[] p, int pos, int index) throws TsFormatException {
        int start = pos + 1 + (p[pos] & 0xFF);
        if (start + 3 > TsPacket.SIZE) {
            throw new TsFormatException("packet " + index + ": pointer_field past the packet");
        }
        int length = (p[start + 1] & 0x0F) << 8 | p[start + 2] & 0xFF;
        if ((p[start + 1] & 0x80) == 0 || length < 9 || start + 3 + length > TsPacket.SIZE) {
            throw new TsFormatException("packet " + index + ": bad section length " + length);
        }
        if (Crc32Mpeg2.compute(p, start, 3 + length) != 0) {
            throw new TsFormatException("packet " + index + ": section CRC mismatch");
        }
        return java.util.Arrays.copyOfRange(p, start, start + 3 + length);
    }
}
