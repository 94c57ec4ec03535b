using System.Runtime.CompilerServices;
using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Modeling;

/// <summary>Marker types for the operations; the handler's <c>typeof</c> tests on them fold at JIT time.</summary>
internal struct GenerateMode;

/// <inheritdoc cref="GenerateMode"/>
internal struct AssessMode;

/// <inheritdoc cref="GenerateMode"/>
internal struct UpdateMode;

/// <inheritdoc cref="GenerateMode"/>
internal struct RegenerateMode;

/// <summary>
/// True for Ppl's own scalar distribution structs, which check their parameters inside <c>Sample</c> and
/// <c>LogDensity</c> (a static readonly bool per type: the JIT folds it).
/// </summary>
internal static class SelfChecking<TD>
{
    public static readonly bool Value = typeof(TD).IsValueType && typeof(TD).Assembly == typeof(SelfChecking<>).Assembly
                                        && typeof(TD).Namespace == "Ppl.Distributions";
}

/// <summary>
/// The interpreter of generated model bodies, one struct instantiation per operation (<typeparamref name="TMode"/>):
/// the JIT specialises the body for each and removes the branches of the other operations. It keeps
/// exactly the bookkeeping of <c>DynamicHandler</c> (the reference semantics): the new score, the log
/// density of fresh draws and the old log density of dropped choices, from which every weight follows;
/// the same checks, in the same order, with the same messages.
/// </summary>
internal struct ModelHandler<TMode> : IModelHandler where TMode : struct
{
    public string Name;
    public ModelMetadata Meta;
    public ParameterStore Parameters;
    public TraceStore? New;
    public TraceStore? Old;
    public TraceStore? Source;
    public ChoiceMap Constraints;
    public bool HasConstraints;
    public Selection Selection;
    public bool[]? Mask;
    public Rng? Rng;
    public int[] Seq;
    public int VisitCount;

    /// <summary>Constraint leaves used so far: when it equals the constraint count, all were visited (no walk needed).</summary>
    public int ConsumedConstraints;
    public Dictionary<Address, int>? DynamicSeq;
    public double Score, Fresh, Dropped, Factors, Observed;

    /// <summary>Static choices and calls read from <see cref="Source"/> (for the O(1) all-constraints-used check).</summary>
    public int SourceReads;

    /// <summary>
    /// Choices at run-time addresses read from <see cref="Source"/>'s families: each read is of a distinct address (a
    /// recorded visit throws on a second one; a proven family has none), so equal to the families' count means all were used.
    /// </summary>
    public int SourceFamilyReads;

    /// <summary>Old static choices the new run visited as choices again (update and regenerate).</summary>
    public int OldSeen;

    /// <summary>The static slot whose distribution is being evaluated by the fast path, or −1: names the address in a parameter error.</summary>
    public int Current;
    public ChoiceMap Discard;

    /// <summary>
    /// Assess only: the families (by the generator's number) whose visits this run leaves unrecorded
    /// (<see cref="ObserveOnce{TD, T}"/>), and those already decided. When <see cref="OnceAllowed"/> is not zero after
    /// a run that threw, the records the error message or the constraint check needed may be missing: Assess reruns
    /// with <see cref="OnceDisabled"/> set, which records every visit.
    /// </summary>
    public ulong OnceAllowed, OnceChecked;

    /// <summary>
    /// Assess only: the proven observation families with values under their name in a plain map (their visits count
    /// those values), and those submaps by family; <see cref="OnceFastBits"/>: the allowed rest whose observations are
    /// doubles under Ppl's own distributions, the inlined path's one test.
    /// </summary>
    public ulong OnceCounted, OnceFastBits;

    /// <inheritdoc cref="OnceCounted"/>
    public ChoiceMap[]? OnceMaps;

    /// <inheritdoc cref="OnceAllowed"/>
    public bool OnceDisabled;

    /// <summary>Update and regenerate only: the slots' dependency masks (null: recompute every site), see <see cref="SiteDependencies"/>.</summary>
    public ulong[]? DepMasks;
    public SiteDependencies? Deps;

    /// <summary>The sources that changed so far in this run (word 0; bit 0, "always", is set), and the further words.</summary>
    public ulong Changed0;
    public ulong[]? ChangedRest;

    private static bool IsAssess => typeof(TMode) == typeof(AssessMode);
    private static bool IsGenerate => typeof(TMode) == typeof(GenerateMode);
    private static bool IsUpdate => typeof(TMode) == typeof(UpdateMode);
    private static bool IsRegenerate => typeof(TMode) == typeof(RegenerateMode);

    public ModelHandler(string name, ModelMetadata meta, ParameterStore parameters, TraceStore? store, int[] seq, ChoiceMap constraints,
        TraceStore? source, TraceStore? old, Selection selection, bool[]? mask, Rng? rng)
    {
        Name = name;
        Meta = meta;
        Parameters = parameters;
        New = store;
        Seq = seq;
        Constraints = constraints;
        HasConstraints = !constraints.IsEmpty;
        Source = source;
        Old = old;
        Selection = selection;
        Mask = mask;
        Rng = rng;
        Discard = ChoiceMap.Empty;
        Current = -1;
    }

    // ---------------------------------------------------------------- dependencies (update and regenerate)

    public void UseDependencies(SiteDependencies d)
    {
        Deps = d;
        DepMasks = d.Masks;
        Changed0 = 1;
        if (d.Words > 1) ChangedRest = new ulong[d.Words - 1];
    }

    public void MarkChanged(int bit)
    {
        if (bit < 64) Changed0 |= 1UL << bit;
        else ChangedRest![(bit >> 6) - 1] |= 1UL << (bit & 63);
    }

    /// <summary>
    /// True when slot <paramref name="k"/>'s distribution (and observed value) cannot differ from the old run's:
    /// none of the sources it depends on changed so far in this run. Then its stored log density is reused.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool Unchanged(int k)
    {
        var m = DepMasks;
        if (m is null) return false;
        if (ChangedRest is null) return (m[k] & Changed0) == 0;
        return Deps!.Unchanged(k, Changed0, ChangedRest);
    }

    /// <summary>Slot <paramref name="k"/>'s value is not the old run's (new, resampled, constrained): what depends on it must be recomputed.</summary>
    private void SlotChanged(int k)
    {
        if (Deps is { } d && d.SlotBit[k] is var b and >= 0) MarkChanged(b);
    }

    /// <summary>A choice at a run-time address is not the old run's: its family changed.</summary>
    private void FamilyChanged(Address address)
    {
        if (Deps is { } d && d.FamilyBit(address) is var b and >= 0) MarkChanged(b);
    }

    /// <summary>True when a kept old value of tag <paramref name="tag"/> is read back as <typeparamref name="T"/> unchanged (no conversion).</summary>
    private static bool NaturalTag<T>(byte tag) =>
        typeof(T) == typeof(double) ? tag == TraceStore.Double : typeof(T) == typeof(int) ? tag == TraceStore.Int : typeof(T) == typeof(bool) && tag == TraceStore.Bool;

    // ---------------------------------------------------------------- visits and checks

    private void VisitStatic(int k, Address address)
    {
        if (Seq[k] != 0) throw Duplicate(address);
        Seq[k] = ++VisitCount;
    }

    private void VisitDynamic(Address address)
    {
        if (address.IsRoot)
            throw new ModelException($"Model '{Name}' used the root address for a choice; give it a name.", address);
        DynamicSeq ??= new Dictionary<Address, int>();
        if (!DynamicSeq.TryAdd(address, VisitCount + 1)) throw Duplicate(address);
        VisitCount++;
    }

    private readonly ModelException Duplicate(Address address) => new(
        $"Model '{Name}' used the address '{address}' twice in one run. Each random choice, observation and call needs its own address (inside a loop, add the loop index: \"name\" / i).",
        address);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckParameters<TD>(Address address, TD distribution) where TD : IDistribution
    {
        if (!typeof(TD).IsValueType && distribution is null) throw new ArgumentNullException(nameof(distribution));
        if (distribution.ParameterError is { } problem)
            throw new DistributionParameterException(distribution.Family, problem, address);
    }

    private readonly ModelException MissingForAssess(Address address) => new(
        $"Assess on model '{Name}' needs a value for the choice at '{address}', but the choices given have none.{AddressSuggestions.Hint(address, Constraints.Leaves.Select(l => l.Address))}",
        address);

    // ---------------------------------------------------------------- Sample

    /// <summary>
    /// A choice at static slot <paramref name="k"/>. The hot path (a double read from the source or old
    /// trace) is a few array reads around the distribution's own inlined log density; everything else
    /// (constraint maps, fresh draws, other value types, errors) is out of line in <see cref="SampleSlow{TD, T}"/>.
    /// Ppl's own distributions check their parameters inside <c>LogDensity</c>/<c>Sample</c>, so the fast
    /// path does not check them twice: it records the slot in <see cref="Current"/> and the operation adds
    /// the address to the exception (see <c>GeneratedFunction.Run</c>); other distributions are checked here.
    /// </summary>
    public T Sample<TD, T>(int k, TD distribution) where TD : IDistribution<T>
    {
        var seq = Seq;
        if (seq[k] != 0) ThrowDuplicate(k);
        seq[k] = ++VisitCount;
        if (!SelfChecking<TD>.Value) CheckParameters(Meta.AddressOf(k), distribution);
        if (typeof(T) == typeof(double))
        {
            var read = IsAssess || IsGenerate ? Source : IsUpdate ? (HasConstraints ? null : Old) : Old;
            if (read is not null && read.Tag[k] == TraceStore.Double && (!IsRegenerate || !Mask![k]))
            {
                var x = read.Num[k];
                if (IsAssess || IsGenerate) SourceReads++;
                else OldSeen++;
                double ld;
                // A kept value whose distribution's inputs did not change: the old log density (bit for bit what LogDensity would give).
                if ((IsUpdate || IsRegenerate) && PureDensity<TD>.Value && Unchanged(k)) ld = read.LogDensity[k];
                else
                {
                    Current = k;
                    ld = distribution.LogDensity(Unsafe.As<double, T>(ref x));
                    Current = -1;
                    if (double.IsNaN(ld)) ThrowNaNDensity(k, x, distribution.Family);
                }
                Score += ld;
                if (!IsAssess) New!.SetDouble(k, x, ld);
                return Unsafe.As<double, T>(ref x);
            }
        }
        return SampleSlow<TD, T>(k, distribution);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private T SampleSlow<TD, T>(int k, TD distribution) where TD : IDistribution<T>
    {
        var address = Meta.AddressOf(k);
        CheckParameters(address, distribution);
        T value;
        bool fresh;
        if (IsGenerate || IsAssess)
        {
            if (Source is { } src)
            {
                if (src.HasChoice(k))
                {
                    value = TraceStore.Read<T>(src.Tag[k], src.Num[k], src.Refs?[k], address);
                    SourceReads++;
                    fresh = false;
                }
                else if (IsAssess) throw MissingForAssess(address);
                else
                {
                    value = distribution.Sample(Rng!);
                    fresh = true;
                }
            }
            else if (HasConstraints && Constraints.TryGetValue(address, out var c))
            {
                value = ValueConversion.To<T>(c!, address);
                ConsumedConstraints++;
                fresh = false;
            }
            else if (IsAssess) throw MissingForAssess(address);
            else
            {
                value = distribution.Sample(Rng!);
                fresh = true;
            }
        }
        else if (IsUpdate)
        {
            var old = Old!;
            if (old.HasChoice(k)) OldSeen++;
            if (HasConstraints && Constraints.TryGetValue(address, out var c))
            {
                value = ValueConversion.To<T>(c!, address);
                ConsumedConstraints++;
                fresh = false;
                if (old.HasChoice(k)) Discard = Discard.Set(address, old.Boxed(k));
                SlotChanged(k);
            }
            else if (old.HasChoice(k))
            {
                value = TraceStore.Read<T>(old.Tag[k], old.Num[k], old.Refs?[k], address);
                fresh = false;
                if (KeepsOldDensity<TD, T>(k, old, out var kept)) return Kept(k, value, kept);
            }
            else
            {
                value = distribution.Sample(Rng!);
                fresh = true;
                SlotChanged(k);
            }
        }
        else
        {
            var old = Old!;
            var hadOld = old.HasChoice(k);
            if (hadOld) OldSeen++;
            if (hadOld && !Mask![k])
            {
                value = TraceStore.Read<T>(old.Tag[k], old.Num[k], old.Refs?[k], address);
                fresh = false;
                if (KeepsOldDensity<TD, T>(k, old, out var kept)) return Kept(k, value, kept);
            }
            else
            {
                // A selected old choice is dropped here (its old density leaves the weight), not in FinishAgainstOld.
                if (hadOld) Dropped += old.LogDensity[k];
                value = distribution.Sample(Rng!);
                fresh = true;
                SlotChanged(k);
            }
        }

        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity)) throw NaNDensity(address, value, distribution.Family);
        Score += logDensity;
        if (fresh) Fresh += logDensity;
        if (!IsAssess) New!.Set(k, value, logDensity);
        return value;
    }

    /// <summary>
    /// For a kept old value (update, regenerate): true with the old log density when it can be reused. A value read
    /// back through a conversion (another value type than the old run's) counts as changed, as does anything the
    /// dependency table cannot vouch for.
    /// </summary>
    private bool KeepsOldDensity<TD, T>(int k, TraceStore old, out double logDensity) where TD : IDistribution<T>
    {
        logDensity = 0;
        if (!NaturalTag<T>(old.Tag[k]))
        {
            SlotChanged(k);
            return false;
        }
        if (!PureDensity<TD>.Value || !Unchanged(k)) return false;
        logDensity = old.LogDensity[k];
        return true;
    }

    private T Kept<T>(int k, T value, double logDensity)
    {
        Score += logDensity;
        New!.Set(k, value, logDensity);
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowDuplicate(int k) => throw Duplicate(Meta.AddressOf(k));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowNaNDensity(int k, double value, string family) => throw NaNDensity(Meta.AddressOf(k), value, family);

    private static ModelException NaNDensity<T>(Address address, T value, string family) => new(
        $"The log density of the choice at '{address}' is NaN (value {ValueConversion.Describe(value)} under {family}).", address);

    public T SampleAt<TD, T>(Address address, TD distribution) where TD : IDistribution<T>
    {
        if (Meta.TryGetSlot(address, out var slot)) return Sample<TD, T>(slot, distribution);
        VisitDynamic(address);
        CheckParameters(address, distribution);
        T value;
        bool fresh;
        if (IsGenerate || IsAssess)
        {
            if (Source is { } src)
            {
                if (src.Family is { } f && f.TryGetValue(address, out var e))
                {
                    value = TraceStore.Read<T>(e.Tag, e.Num, e.Ref, address);
                    SourceFamilyReads++;
                    fresh = false;
                }
                else if (IsAssess) throw MissingForAssess(address);
                else
                {
                    value = distribution.Sample(Rng!);
                    fresh = true;
                }
            }
            else if (HasConstraints && Constraints.TryGetValue(address, out var c))
            {
                value = ValueConversion.To<T>(c!, address);
                ConsumedConstraints++;
                fresh = false;
            }
            else if (IsAssess) throw MissingForAssess(address);
            else
            {
                value = distribution.Sample(Rng!);
                fresh = true;
            }
        }
        else if (IsUpdate)
        {
            TraceStore.Entry e = default;
            var hadOld = Old!.Family is { } f && f.TryGetValue(address, out e);
            if (HasConstraints && Constraints.TryGetValue(address, out var c))
            {
                value = ValueConversion.To<T>(c!, address);
                ConsumedConstraints++;
                fresh = false;
                if (hadOld) Discard = Discard.Set(address, e.Boxed);
                FamilyChanged(address);
            }
            else if (hadOld)
            {
                value = TraceStore.Read<T>(e.Tag, e.Num, e.Ref, address);
                fresh = false;
                if (!NaturalTag<T>(e.Tag)) FamilyChanged(address);
            }
            else
            {
                value = distribution.Sample(Rng!);
                fresh = true;
                FamilyChanged(address);
            }
        }
        else
        {
            TraceStore.Entry e = default;
            if (Old!.Family is { } f && f.TryGetValue(address, out e) && !Selection.Contains(address))
            {
                value = TraceStore.Read<T>(e.Tag, e.Num, e.Ref, address);
                fresh = false;
                if (!NaturalTag<T>(e.Tag)) FamilyChanged(address);
            }
            else
            {
                value = distribution.Sample(Rng!);
                fresh = true;
                FamilyChanged(address);
            }
        }

        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity)) throw NaNDensity(address, value, distribution.Family);
        Score += logDensity;
        if (fresh) Fresh += logDensity;
        if (!IsAssess)
        {
            TraceStore.Write(value, out var tag, out var num, out var r);
            (New!.Family ??= new())[address] = new TraceStore.Entry { Tag = tag, Num = num, Ref = r, LogDensity = logDensity };
        }
        return value;
    }

    // ---------------------------------------------------------------- Observe and Factor

    private double ObserveDensity<TD, T>(Address address, TD distribution, T value) where TD : IDistribution<T>
    {
        CheckParameters(address, distribution);
        if (typeof(T) == typeof(double) ? double.IsNaN(Unsafe.As<T, double>(ref value)) : value is double d && double.IsNaN(d))
            throw new ModelException($"The observation at '{address}' is NaN.", address);
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity))
            throw new ModelException(
                $"The log density of the observation at '{address}' is NaN (value {ValueConversion.Describe(value)} under {distribution.Family}).", address);
        Score += logDensity;
        Observed += logDensity;
        return logDensity;
    }

    /// <summary>An observation at static slot <paramref name="k"/>; same fast-path rule as <see cref="Sample{TD, T}"/>.</summary>
    public void Observe<TD, T>(int k, TD distribution, T value) where TD : IDistribution<T>
    {
        var seq = Seq;
        if (seq[k] != 0) ThrowDuplicate(k);
        seq[k] = ++VisitCount;
        double logDensity;
        if ((IsUpdate || IsRegenerate) && PureDensity<TD>.Value && Old!.Tag[k] == TraceStore.Observed && Unchanged(k))
        {
            // The same distribution and observed value as in the old run (the value is among the slot's dependencies).
            logDensity = Old.LogDensity[k];
            Score += logDensity;
            Observed += logDensity;
        }
        else if (SelfChecking<TD>.Value && typeof(T).IsValueType && (typeof(T) != typeof(double) || !double.IsNaN(Unsafe.As<T, double>(ref value))))
        {
            Current = k;
            logDensity = distribution.LogDensity(value);
            Current = -1;
            if (double.IsNaN(logDensity)) ThrowObservationNaNDensity(k, value, distribution.Family);
            Score += logDensity;
            if (!IsAssess) Observed += logDensity; // only a trace keeps the observations' total
        }
        else logDensity = ObserveSlow(k, distribution, value);
        if (!IsAssess)
        {
            var s = New!;
            s.Tag[k] = TraceStore.Observed;
            s.LogDensity[k] = logDensity;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private double ObserveSlow<TD, T>(int k, TD distribution, T value) where TD : IDistribution<T> =>
        ObserveDensity<TD, T>(Meta.AddressOf(k), distribution, value);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowObservationNaNDensity<T>(int k, T value, string family)
    {
        var address = Meta.AddressOf(k);
        throw new ModelException(
            $"The log density of the observation at '{address}' is NaN (value {ValueConversion.Describe(value)} under {family}).", address);
    }

    public void ObserveAt<TD, T>(Address address, TD distribution, T value) where TD : IDistribution<T>
    {
        if (Meta.TryGetSlot(address, out var slot))
        {
            Observe<TD, T>(slot, distribution, value);
            return;
        }
        VisitDynamic(address);
        var logDensity = ObserveDensity<TD, T>(address, distribution, value);
        if (!IsAssess)
        {
            TraceStore.Write(value, out var tag, out var num, out var r);
            (New!.FamilyObservations ??= new())[address] = new TraceStore.Entry { Tag = tag, Num = num, Ref = r, LogDensity = logDensity };
        }
    }

    /// <summary>
    /// An observation at <paramref name="name"/>/<paramref name="index"/>, a family the generator proved this run visits at
    /// most once per address (<paramref name="family"/> numbers it, below 64; see the generator's <c>OnceFamilies</c>).
    /// Assess needs no trace, and the proof makes the duplicate check redundant, so it skips the address, the slot
    /// lookup and the visit record: it only checks the value and the log density and adds the latter to the score.
    /// The skipped records only matter to the checks after the run and to error messages; <c>GeneratedFunction.Assess</c>
    /// therefore runs the body again with every visit recorded whenever this run throws (see <see cref="OnceDisabled"/>).
    /// The other operations store the observation under its address, as <see cref="ObserveAt{TD, T}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ObserveOnce<TD, T>(int family, string name, int index, TD distribution, T value) where TD : IDistribution<T>
    {
        // OnceFastBits holds only families of double observations under Ppl's own distributions (decided on the first visit),
        // which check their parameters inside LogDensity (an error there makes Assess rerun and name the address). The throw
        // statements keep the values from living across a call, so the JIT keeps them in registers on this path.
        if (IsAssess && typeof(T) == typeof(double) && (OnceFastBits & (1UL << family)) != 0 && !double.IsNaN(Unsafe.As<T, double>(ref value)))
        {
            var logDensity = distribution.LogDensity(value);
            if (double.IsNaN(logDensity)) throw OnceNaNDensity(name, index, value, distribution.Family);
            Score += logDensity;
            return;
        }
        ObserveOnceSlow(family, name, index, distribution, value);
    }

    /// <summary>
    /// The first visit of a family in this Assess (decides whether it may skip its records), any other value type or
    /// distribution, and every other operation.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ObserveOnceSlow<TD, T>(int family, string name, int index, TD distribution, T value) where TD : IDistribution<T>
    {
        var bit = 1UL << family;
        if (IsAssess && (OnceChecked & bit) == 0) DecideOnce(family, name, observation: true, fast: SelfChecking<TD>.Value && typeof(T) == typeof(double));
        if (IsAssess && (OnceAllowed & bit) != 0)
        {
            if ((OnceCounted & bit) != 0) CountOnceConstraint(family, index);
            if (SelfChecking<TD>.Value && typeof(T) == typeof(double) && !double.IsNaN(Unsafe.As<T, double>(ref value)))
            {
                // As the fast path (no address even for the first visit), for a family that counts its constraints.
                var logDensity = distribution.LogDensity(value);
                if (double.IsNaN(logDensity)) throw OnceNaNDensity(name, index, value, distribution.Family);
                Score += logDensity;
            }
            else ObserveDensity<TD, T>(new Address(name, index), distribution, value); // unrecorded; the usual checks and messages
            return;
        }
        ObserveAt(new Address(name, index), distribution, value);
    }

    /// <summary>
    /// A choice at <paramref name="name"/>/<paramref name="index"/>, a family proven as for <see cref="ObserveOnce{TD, T}"/>.
    /// Assess skips the slot lookup and the visit record (counting reads from a trace instead, see
    /// <see cref="SourceFamilyReads"/>, and from a choice map as every read is counted), and reads a trace's value from its
    /// column for the family (<see cref="TraceStore.Column"/>) without building the address;
    /// the other operations go through <see cref="SampleAt{TD, T}"/> unchanged.
    /// </summary>
    public T SampleOnce<TD, T>(int family, string name, int index, TD distribution) where TD : IDistribution<T>
    {
        var bit = 1UL << family;
        if (IsAssess && (OnceChecked & bit) == 0) DecideOnce(family, name, observation: false, fast: false);
        if (!IsAssess || (OnceAllowed & bit) == 0) return SampleAt<TD, T>(new Address(name, index), distribution);
        // Unrecorded: the reads and checks of SampleAt's Assess branch. A trace's column needs no address (built for errors only).
        if (!SelfChecking<TD>.Value) CheckParameters(new Address(name, index), distribution);
        T value;
        if (Source is { } src)
        {
            TraceStore.Entry e;
            if (src.Column(name) is { } column)
            {
                if ((uint)index >= (uint)column.Length || column[index].Tag == TraceStore.Absent) throw MissingForAssess(new Address(name, index));
                e = column[index];
            }
            else if (src.Family is not { } f || !f.TryGetValue(new Address(name, index), out e)) throw MissingForAssess(new Address(name, index));
            if (typeof(T) == typeof(double) && e.Tag == TraceStore.Double) value = Unsafe.As<double, T>(ref e.Num);
            else value = TraceStore.Read<T>(e.Tag, e.Num, e.Ref, new Address(name, index));
            SourceFamilyReads++;
        }
        else
        {
            var address = new Address(name, index);
            if (!HasConstraints || !Constraints.TryGetValue(address, out var c)) throw MissingForAssess(address);
            value = ValueConversion.To<T>(c!, address);
            ConsumedConstraints++;
        }
        var logDensity = distribution.LogDensity(value);
        if (double.IsNaN(logDensity)) throw NaNDensity(new Address(name, index), value, distribution.Family);
        Score += logDensity;
        return value;
    }

    /// <summary>
    /// Assess, first visit of a proven family: its visits go unrecorded unless this is the recorded rerun. After the run
    /// the records are read only to check that every constraint was used, which counts instead: choices count their reads
    /// (from a trace, <see cref="SourceFamilyReads"/>; from a map, <see cref="ConsumedConstraints"/>), and observations
    /// given values in a plain map (Assess accepts those) count them (<see cref="OnceCounted"/>). A trace of this model holds
    /// no value under an observation family's name (the proof makes its site the only one there).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecideOnce(int family, string name, bool observation, bool fast)
    {
        var bit = 1UL << family;
        OnceChecked |= bit;
        if (OnceDisabled) return;
        if (observation && Source is null && HasConstraints && Constraints.GetSubmap(new AddressSegment(name)) is { IsEmpty: false } given)
        {
            (OnceMaps ??= new ChoiceMap[64])[family] = given;
            OnceCounted |= bit;
        }
        OnceAllowed |= bit;
        if (fast && (OnceCounted & bit) == 0) OnceFastBits |= bit;
    }

    /// <summary>An observation of a counted family (<see cref="OnceCounted"/>): its value among the constraints is used.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountOnceConstraint(int family, int index)
    {
        if (OnceMaps![family].GetSubmap(new AddressSegment(index)).HasValue) ConsumedConstraints++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ModelException OnceNaNDensity<T>(string name, int index, T value, string family)
    {
        var address = new Address(name, index);
        return new ModelException(
            $"The log density of the observation at '{address}' is NaN (value {ValueConversion.Describe(value)} under {family}).", address);
    }

    public void Factor(double logWeight)
    {
        if (double.IsNaN(logWeight) || double.IsPositiveInfinity(logWeight))
            throw new ModelException($"Model '{Name}' added a factor of {logWeight}; factors must be finite or −∞ (after {VisitCount} visited address(es)).");
        Score += logWeight;
        Factors += logWeight;
    }

    // ---------------------------------------------------------------- Calls

    public TRet Call<TArgs, TRet>(int k, IGenerativeFunction<TArgs, TRet> function, TArgs args)
    {
        ArgumentNullException.ThrowIfNull(function);
        var address = Meta.AddressOf(k);
        VisitStatic(k, address);
        var fromSource = Source?.CallAt(k);
        if (fromSource is not null) SourceReads++;
        var sub = Source is not null ? fromSource?.Choices ?? ChoiceMap.Empty : Constraints.GetSubmap(address);
        // A sub-call that returns has used all of its constraints (it checks them itself).
        if (Source is null && !sub.IsEmpty) ConsumedConstraints += sub.Count;
        var (trace, ret) = RunCall(address, function, args, sub, Old?.CallAt(k));
        if (trace is not null)
        {
            var s = New!;
            s.Tag[k] = TraceStore.Called;
            s.CallCount++;
            (s.Refs ??= new object?[s.Tag.Length])[k] = trace;
        }
        return ret;
    }

    public TRet CallAt<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args)
    {
        if (Meta.TryGetSlot(address, out var slot)) return Call(slot, function, args);
        ArgumentNullException.ThrowIfNull(function);
        VisitDynamic(address);
        ChoiceMap sub;
        if (Source is { } src)
            sub = src.FamilyCalls is { } fc && fc.TryGetValue(address, out var st) ? st.Choices : ChoiceMap.Empty;
        else
        {
            sub = Constraints.GetSubmap(address);
            if (!sub.IsEmpty) ConsumedConstraints += sub.Count;
        }
        ITrace? old = null;
        Old?.FamilyCalls?.TryGetValue(address, out old);
        var (trace, ret) = RunCall(address, function, args, sub, old);
        if (trace is not null) (New!.FamilyCalls ??= new())[address] = trace;
        return ret;
    }

    private (ITrace? Trace, TRet Return) RunCall<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args, ChoiceMap sub, ITrace? prev)
    {
        try
        {
            return RunCallCore(address, function, args, sub, prev);
        }
        catch (UnvisitedConstraintsException e)
        {
            // As in the dynamic tracer: the callee reports addresses relative to itself; callers need them in full.
            throw e.WithPrefix(address, Name);
        }
    }

    private (ITrace? Trace, TRet Return) RunCallCore<TArgs, TRet>(Address address, IGenerativeFunction<TArgs, TRet> function, TArgs args, ChoiceMap sub, ITrace? prev)
    {
        if (IsAssess)
        {
            var (w, r) = function.Assess(args, sub);
            Score += w;
            return (null, r);
        }
        if (IsGenerate)
        {
            var (tr, w) = function.Generate(args, sub, Rng!);
            AddCall(tr.Score, 0, w);
            return (tr, tr.Return);
        }
        if (IsUpdate)
        {
            if (prev is ITrace<TArgs, TRet> prevTyped && ReferenceEquals(prev.Function, function))
            {
                var (tr, w, discard) = function.Update(prevTyped, args, sub, Rng!);
                if (!discard.IsEmpty) Discard = Discard.SetSubmap(address, discard);
                AddCall(tr.Score, prev.Score, w);
                return (tr, tr.Return);
            }
            else
            {
                var (tr, w) = function.Generate(args, sub, Rng!);
                AddCall(tr.Score, 0, w);
                return (tr, tr.Return);
            }
        }
        {
            if (prev is ITrace<TArgs, TRet> prevTyped && ReferenceEquals(prev.Function, function))
            {
                var (tr, w) = function.Regenerate(prevTyped, args, Selection.Sub(address), Rng!);
                AddCall(tr.Score, prev.Score, w);
                return (tr, tr.Return);
            }
            else
            {
                var (tr, w) = function.Generate(args, ChoiceMap.Empty, Rng!);
                AddCall(tr.Score, 0, w);
                return (tr, tr.Return);
            }
        }
    }

    private void AddCall(double newScore, double oldScore, double weight)
    {
        Score += newScore;
        Fresh += newScore - oldScore - weight;
    }

    public readonly Tensor Param(string name, Func<Tensor> init) => Parameters.GetOrAdd(name, init);

    // ---------------------------------------------------------------- after the run

    /// <summary>The address the run visited last (for an error raised by the model's own code), or null when it visited none.</summary>
    public readonly Address? LastVisited()
    {
        if (VisitCount == 0) return null;
        for (var k = 0; k < Seq.Length && k < Meta.SlotCount; k++)
            if (Seq[k] == VisitCount) return Meta.AddressOf(k);
        if (DynamicSeq is { } d)
            foreach (var (a, n) in d)
                if (n == VisitCount) return a;
        return null;
    }

    private readonly bool IsVisited(Address a) =>
        Meta.TryGetSlot(a, out var k) ? Seq[k] != 0 : DynamicSeq is { } d && d.ContainsKey(a);

    private readonly bool IsObservation(Address a)
    {
        if (IsAssess) return false; // the dynamic tracer records no observations in assess
        return Meta.TryGetSlot(a, out var k) ? New!.Tag[k] == TraceStore.Observed : New!.FamilyObservations is { } o && o.ContainsKey(a);
    }

    /// <summary>Same contract and messages as <c>DynamicHandler.CheckConstraintsVisited</c>.</summary>
    public readonly void CheckConstraintsVisited()
    {
        if (Source is { } src && SourceFullyVisited(src)) return;
        if (!HasConstraints) return;
        if (Source is null && ConsumedConstraints == Constraints.Count) return;
        List<Address>? unvisited = null;
        foreach (var (a, _) in Constraints.Leaves)
        {
            if (IsVisited(a) && !IsObservation(a)) continue;
            var underCall = false;
            for (var n = 1; n < a.Length && !underCall; n++)
                underCall = IsVisited(new Address(a.Segments[..n].ToArray()));
            if (underCall) continue;
            (unvisited ??= new()).Add(a);
        }
        if (unvisited is null) return;
        var self = this;
        var observed = unvisited.Where(self.IsObservation).ToList();
        if (observed.Count > 0)
            throw new ModelException(
                $"Model '{Name}': '{observed[0]}' is an observation (its value is given in the model), not a random choice, so it cannot be constrained.",
                observed[0]);
        throw new UnvisitedConstraintsException(Name, unvisited, VisitedInOrder());
    }

    /// <summary>The allocation-free check for constraints that are another trace of this model.</summary>
    private readonly bool SourceFullyVisited(TraceStore src)
    {
        // Every read from the source is of a distinct slot (a second visit throws), so equal counts mean all were used.
        if (src.FamilyCalls is null && SourceReads == src.ChoiceCount + src.CallCount && SourceFamilyReads == (src.Family?.Count ?? 0)) return true;
        for (var k = 0; k < src.Tag.Length; k++)
        {
            var tag = src.Tag[k];
            if (TraceStore.IsChoiceTag(tag) || tag == TraceStore.Called)
            {
                if (Seq[k] == 0) return false;
                if (!IsAssess && New!.Tag[k] == TraceStore.Observed) return false;
            }
        }
        if (src.Family is { } f)
            foreach (var a in f.Keys)
                if (!IsVisited(a) || IsObservation(a)) return false;
        if (src.FamilyCalls is { } c)
            foreach (var a in c.Keys)
                if (!IsVisited(a)) return false;
        return true;
    }

    private readonly List<Address> VisitedInOrder()
    {
        var list = new List<(int, Address)>();
        for (var k = 0; k < Seq.Length && k < Meta.SlotCount; k++)
            if (Seq[k] != 0) list.Add((Seq[k], Meta.AddressOf(k)));
        if (DynamicSeq is { } d) foreach (var (a, s) in d) list.Add((s, a));
        return list.OrderBy(p => p.Item1).Select(p => p.Item2).ToList();
    }

    /// <summary>
    /// After update or regenerate: old choices and calls the new run did not visit (as <c>DynamicHandler.FinishAgainstOld</c>).
    /// Selected old choices that were resampled were already dropped during the run; when the run revisited
    /// every old static choice (the usual case) and the old trace has no calls or families, there is nothing to walk.
    /// </summary>
    public void FinishAgainstOld()
    {
        var old = Old!;
        var now = New!;
        var regenerate = !IsUpdate;
        if (OldSeen != old.ChoiceCount)
            for (var k = 0; k < old.Tag.Length; k++)
            {
                if (!old.HasChoice(k) || now.HasChoice(k)) continue;
                if (regenerate) Dropped += old.LogDensity[k];
                else Discard = Discard.Set(Meta.AddressOf(k), old.Boxed(k));
            }
        if (old.Family is { } f)
            foreach (var (a, e) in f)
            {
                var stillThere = now.Family is { } nf && nf.ContainsKey(a);
                if (!stillThere)
                {
                    if (regenerate) Dropped += e.LogDensity;
                    else Discard = Discard.Set(a, e.Boxed);
                }
                else if (regenerate && Selection.Contains(a)) Dropped += e.LogDensity;
            }
        if (old.CallCount > 0)
            for (var k = 0; k < old.Tag.Length; k++)
                if (old.CallAt(k) is { } t)
                    DropCall(Meta.AddressOf(k), t, now.CallAt(k));
        if (old.FamilyCalls is { } fc)
            foreach (var (a, t) in fc)
            {
                ITrace? current = null;
                now.FamilyCalls?.TryGetValue(a, out current);
                DropCall(a, t, current);
            }
    }

    private void DropCall(Address a, ITrace old, ITrace? current)
    {
        if (current is not null && ReferenceEquals(current.Function, old.Function)) return;
        if (IsUpdate)
        {
            if (!old.Choices.IsEmpty) Discard = Discard.SetSubmap(a, old.Choices);
        }
        else
        {
            Dropped += old.Score - old.Function.Project(old, Selection.None);
        }
    }
}
