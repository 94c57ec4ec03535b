using System.Reflection;

namespace Ppl.Modeling;

/// <summary>
/// The static dependency graph of a generated model, as the generator worked it out (data flow through
/// locals, arithmetic, loops and branches): for each static slot, which earlier random choices, families of
/// choices and arguments its distribution (and observed value) can depend on. In <c>Update</c> and
/// <c>Regenerate</c>, a choice whose value is kept and none of whose dependencies changed in this run keeps
/// its stored log density instead of recomputing it (its weight contribution is zero), as Gen's static
/// language does with its static dependency graph. Where the generator is unsure (calls into unknown code,
/// collections it cannot follow, …) the slot is marked to be recomputed always.
/// </summary>
/// <remarks>
/// At run time the handler keeps a bitset of the sources that changed so far in this run (a choice
/// resampled, constrained or new, a family with such a choice, arguments that differ from the old trace's);
/// a slot's mask is the bitset of its dependencies. Bit 0 means "always": it is set in every run, and in the
/// mask of every slot that must always be recomputed.
/// </remarks>
public sealed class SiteDependencies
{
    private readonly Dictionary<string, int>? _familyBits;

    /// <summary>Creates the table (generated code only).</summary>
    /// <param name="families">The names (first address segment) of the families of choices in loops that some slot depends on; source <c>slots + i</c> is family <c>i</c>.</param>
    /// <param name="dependsOn">
    /// Per static slot, the sources its distribution depends on, or null when it must always be recomputed.
    /// Sources: a static slot <c>k</c> is <c>k</c>; family <c>i</c> is <c>slots + i</c>; the model's arguments are <c>slots + families</c>.
    /// </param>
    public SiteDependencies(string[] families, int[]?[] dependsOn)
    {
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(dependsOn);
        var slots = dependsOn.Length;
        SlotBit = new int[slots];
        Array.Fill(SlotBit, -1);
        var familyBit = new int[families.Length];
        Array.Fill(familyBit, -1);
        var argsSource = slots + families.Length;

        // Bit 0 is "always"; the sources some slot depends on get the next bits, in order of first use.
        var next = 1;
        foreach (var list in dependsOn)
        {
            if (list is null) continue;
            foreach (var s in list)
            {
                if (s < 0 || s > argsSource) throw new ArgumentException($"Dependency source {s} is out of range.", nameof(dependsOn));
                if (s < slots) { if (SlotBit[s] < 0) SlotBit[s] = next++; }
                else if (s < argsSource) { if (familyBit[s - slots] < 0) familyBit[s - slots] = next++; }
                else if (ArgsBit < 0) ArgsBit = next++;
            }
        }
        Words = (next + 63) / 64;
        Masks = new ulong[slots * Words];
        for (var k = 0; k < slots; k++)
        {
            var list = dependsOn[k];
            if (list is null)
            {
                Masks[k * Words] = 1;
                continue;
            }
            foreach (var s in list)
            {
                var bit = s < slots ? SlotBit[s] : s < argsSource ? familyBit[s - slots] : ArgsBit;
                Masks[k * Words + (bit >> 6)] |= 1UL << (bit & 63);
            }
        }
        for (var i = 0; i < families.Length; i++)
            if (familyBit[i] >= 0) (_familyBits ??= new Dictionary<string, int>(StringComparer.Ordinal))[families[i]] = familyBit[i];
        DependsOn = dependsOn;
        Families = families;
    }

    /// <summary>What the generator emitted: per slot, its sources (null: always recomputed).</summary>
    public IReadOnlyList<int[]?> DependsOn { get; }

    /// <summary>The families of choices in loops, by source index (after the static slots).</summary>
    public IReadOnlyList<string> Families { get; }

    /// <summary>64-bit words per mask.</summary>
    internal int Words { get; }

    /// <summary>Per slot, <see cref="Words"/> words: the bits of the sources the slot depends on.</summary>
    internal ulong[] Masks { get; }

    /// <summary>The bit of each static slot as a source, or −1 when no slot depends on it (it need not be tracked).</summary>
    internal int[] SlotBit { get; }

    /// <summary>The bit of the model's arguments, or −1 when no slot depends on them.</summary>
    internal int ArgsBit { get; } = -1;

    /// <summary>The bit of the family a run-time address belongs to, or −1.</summary>
    internal int FamilyBit(Address address) =>
        _familyBits is { } f && address.Length > 1 && address.First.IsName && f.TryGetValue(address.First.Name, out var b) ? b : -1;

    /// <summary>True when no source in slot <paramref name="k"/>'s mask is set in the changed bits (<paramref name="first"/> word, then <paramref name="rest"/>).</summary>
    internal bool Unchanged(int k, ulong first, ulong[] rest)
    {
        var w = Words;
        var m = Masks;
        var at = k * w;
        if ((m[at] & first) != 0) return false;
        for (var i = 1; i < w; i++)
            if ((m[at + i] & rest[i - 1]) != 0) return false;
        return true;
    }
}

/// <summary>
/// True for distributions whose log density is a pure function of their fields and the value: Ppl's own
/// distribution structs whose fields are numbers or arrays of numbers (not, e.g., a mixture holding arbitrary
/// components). Only these may keep a stored log density; a static readonly bool per type, folded by the JIT.
/// </summary>
internal static class PureDensity<TD>
{
    public static readonly bool Value = Compute();

    private static bool Compute()
    {
        var t = typeof(TD);
        if (!t.IsValueType || t.Assembly != typeof(PureDensity<>).Assembly || t.Namespace != "Ppl.Distributions") return false;
        foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            var ft = f.FieldType;
            if (ft.IsArray) ft = ft.GetElementType()!;
            if (!(ft.IsPrimitive || ft.IsEnum)) return false;
        }
        return true;
    }
}
