using System.Runtime.CompilerServices;

namespace Ppl.Modeling;

/// <summary>
/// The storage of one generated trace: parallel arrays indexed by static slot (value, log density, tag)
/// plus small tables for sites whose addresses are computed at run time. Scalars
/// (double, int, bool) live unboxed in <see cref="Num"/>.
/// </summary>
internal sealed class TraceStore
{
    public const byte Absent = 0, Double = 1, Int = 2, Bool = 3, Ref = 4, Observed = 5, Called = 6;

    public TraceStore(int slots)
    {
        Tag = new byte[slots];
        Num = new double[slots];
        LogDensity = new double[slots];
    }

    /// <summary>What the slot holds in this run (one of the constants above).</summary>
    public readonly byte[] Tag;

    /// <summary>Scalar values (ints and bools exactly, as doubles).</summary>
    public readonly double[] Num;

    /// <summary>Non-scalar values and call traces; allocated on first use.</summary>
    public object?[]? Refs;

    /// <summary>Log density of each choice or observation.</summary>
    public readonly double[] LogDensity;

    /// <summary>Choices at run-time addresses, in visit order.</summary>
    public Dictionary<Address, Entry>? Family;

    /// <summary>
    /// The choices of <see cref="Family"/> at <c>name/k</c> (an integer <c>k</c> from 0), by name, as arrays indexed by
    /// <c>k</c> (an absent one has tag <see cref="Absent"/>); a name with indices too sparse for an array maps to null.
    /// Built on first use, for Assess of proven families (<c>ModelHandler.SampleOnce</c>): one pass over the table costs
    /// about what the lookups it replaces cost, and each read then needs neither an address nor a hash of one. A store is
    /// not written after its run, so the index stays exact; concurrent first uses build equal indices.
    /// </summary>
    private Dictionary<string, Entry[]?>? _columns;

    /// <summary>The column of <paramref name="name"/> (see <see cref="_columns"/>), or null: look the address up in <see cref="Family"/>.</summary>
    public Entry[]? Column(string name)
    {
        var columns = Volatile.Read(ref _columns) ?? BuildColumns();
        return columns.TryGetValue(name, out var c) ? c : null;
    }

    private Dictionary<string, Entry[]?> BuildColumns()
    {
        var max = new Dictionary<string, (int Max, int Count)>(StringComparer.Ordinal);
        if (Family is { } f)
            foreach (var a in f.Keys)
            {
                if (a.Length != 2 || !a[0].IsName || a[1].IsName) continue;
                var name = a[0].Name;
                var k = a[1].Index;
                max.TryGetValue(name, out var m);
                max[name] = (k < 0 || m.Max < 0 ? -1 : Math.Max(m.Max, k), m.Count + 1);
            }
        var columns = new Dictionary<string, Entry[]?>(StringComparer.Ordinal);
        foreach (var (name, (top, count)) in max)
            // Dense enough for an array (a few holes at most); otherwise the table stays the only index.
            columns[name] = top >= 0 && top < 2 * count + 16 ? new Entry[top + 1] : null;
        if (Family is { } g)
            foreach (var (a, e) in g)
                if (a.Length == 2 && a[0].IsName && !a[1].IsName && columns.TryGetValue(a[0].Name, out var col) && col is not null)
                    col[a[1].Index] = e;
        return Interlocked.CompareExchange(ref _columns, columns, null) ?? columns;
    }

    /// <summary>Observations at run-time addresses.</summary>
    public Dictionary<Address, Entry>? FamilyObservations;

    /// <summary>Calls at run-time addresses.</summary>
    public Dictionary<Address, ITrace>? FamilyCalls;

    /// <summary>How many static slots hold a choice: lets the operations skip whole-store walks when every old choice was revisited.</summary>
    public int ChoiceCount;

    /// <summary>How many static slots hold a call trace.</summary>
    public int CallCount;

    /// <summary>Sum of factors.</summary>
    public double FactorTotal;

    /// <summary>Sum of observation log densities.</summary>
    public double ObservationTotal;

    public static bool IsChoiceTag(byte tag) => tag is >= Double and <= Ref;

    public bool HasChoice(int k) => IsChoiceTag(Tag[k]);

    public ITrace? CallAt(int k) => Tag[k] == Called ? (ITrace)Refs![k]! : null;

    public object Boxed(int k) => Box(Tag[k], Num[k], Refs?[k]);

    public static object Box(byte tag, double num, object? r) => tag switch
    {
        Double => num,
        Int => (int)num,
        Bool => num != 0,
        _ => r!,
    };

    /// <summary>Reads a stored value as <typeparamref name="T"/>; the typeof tests fold away per instantiation.</summary>
    public static T Read<T>(byte tag, double num, object? r, Address address)
    {
        // Unsafe.As instead of (T)(object)x: no boxing even where the JIT does not optimise (Debug builds).
        if (typeof(T) == typeof(double) && tag == Double) return Unsafe.As<double, T>(ref num);
        if (typeof(T) == typeof(int) && tag == Int)
        {
            var i = (int)num;
            return Unsafe.As<int, T>(ref i);
        }
        if (typeof(T) == typeof(bool) && tag == Bool)
        {
            var b = num != 0;
            return Unsafe.As<bool, T>(ref b);
        }
        if (tag == Ref && r is T t) return t;
        return ValueConversion.To<T>(Box(tag, num, r), address);
    }

    public static void Write<T>(T value, out byte tag, out double num, out object? r)
    {
        if (typeof(T) == typeof(double)) { tag = Double; num = Unsafe.As<T, double>(ref value); r = null; }
        else if (typeof(T) == typeof(int)) { tag = Int; num = Unsafe.As<T, int>(ref value); r = null; }
        else if (typeof(T) == typeof(bool)) { tag = Bool; num = Unsafe.As<T, bool>(ref value) ? 1 : 0; r = null; }
        else { tag = Ref; num = 0; r = value; }
    }

    /// <summary>Stores a double choice (the scalar fast path: no tag dispatch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetDouble(int k, double value, double logDensity)
    {
        ChoiceCount++;
        Tag[k] = Double;
        Num[k] = value;
        LogDensity[k] = logDensity;
    }

    public void Set<T>(int k, T value, double logDensity)
    {
        // Each slot is written at most once per run (handlers reject a second visit first), so the count is exact.
        ChoiceCount++;
        Write(value, out var tag, out var num, out var r);
        Tag[k] = tag;
        Num[k] = num;
        if (r is not null) (Refs ??= new object?[Tag.Length])[k] = r;
        LogDensity[k] = logDensity;
    }

    /// <summary>A choice, observation or call at a run-time address.</summary>
    internal struct Entry
    {
        public byte Tag;
        public double Num;
        public object? Ref;
        public double LogDensity;

        public readonly object Boxed => Box(Tag, Num, Ref);
    }
}
