using System.Collections.Immutable;

namespace Ppl;

/// <summary>
/// A set of addresses, used to say which choices <c>Regenerate</c> resamples or which gradients to take.
/// Selections form an algebra: <see cref="All"/>, <see cref="None"/>, <see cref="At(Address[])"/> (exact
/// addresses), <see cref="Prefix(Address[])"/> (an address and everything below it),
/// <see cref="Complement"/>, <see cref="Union"/> and <see cref="Intersect"/>.
/// </summary>
public abstract class Selection
{
    /// <summary>Selects every address.</summary>
    public static Selection All { get; } = new AllSelection();

    /// <summary>Selects no address.</summary>
    public static Selection None { get; } = new ComplementSelection(All);

    /// <summary>True when <paramref name="address"/> is selected.</summary>
    public abstract bool Contains(Address address);

    /// <summary>The selection seen from inside the sub-map at <paramref name="segment"/>.</summary>
    public abstract Selection Sub(AddressSegment segment);

    /// <summary>The selection seen from inside the sub-map at <paramref name="prefix"/>.</summary>
    public Selection Sub(Address prefix)
    {
        var s = this;
        foreach (var seg in prefix.Segments) s = s.Sub(seg);
        return s;
    }

    /// <summary>True when this selection certainly selects nothing (lets combinators skip work).</summary>
    public virtual bool IsNone => false;

    /// <summary>
    /// The addresses the user wrote into this selection (through <see cref="At(Address[])"/> and
    /// <see cref="Prefix(Address[])"/>, also under complements, unions and intersections), with whether each names a
    /// subtree: what <see cref="SelectionCheck"/> checks against a trace to catch a misspelled address.
    /// </summary>
    internal virtual IEnumerable<(Address Address, bool Subtree)> Named => [];

    /// <summary>Selects exactly the given addresses (not what lies below them).</summary>
    public static Selection At(params Address[] addresses) => SelectionTrie.Build(addresses, subtree: false);

    /// <summary>Selects the given addresses and everything below them (e.g. a whole sub-model call).</summary>
    public static Selection Prefix(params Address[] prefixes) => SelectionTrie.Build(prefixes, subtree: true);

    /// <summary>Every address this selection does not select.</summary>
    public Selection Complement() => this is ComplementSelection c ? c.Inner : new ComplementSelection(this);

    /// <summary>Addresses selected by either.</summary>
    public Selection Union(Selection other) => new UnionSelection(this, other);

    /// <summary>Addresses selected by both.</summary>
    public Selection Intersect(Selection other) => new ComplementSelection(new UnionSelection(Complement(), other.Complement()));

    /// <summary>Union.</summary>
    public static Selection operator |(Selection a, Selection b) => a.Union(b);

    /// <summary>Intersection.</summary>
    public static Selection operator &(Selection a, Selection b) => a.Intersect(b);

    /// <summary>Complement.</summary>
    public static Selection operator !(Selection a) => a.Complement();

    private sealed class AllSelection : Selection
    {
        public override bool Contains(Address address) => true;
        public override Selection Sub(AddressSegment segment) => this;
        public override string ToString() => "all";
    }

    private sealed class ComplementSelection(Selection inner) : Selection
    {
        public Selection Inner { get; } = inner;
        public override bool Contains(Address address) => !Inner.Contains(address);
        public override Selection Sub(AddressSegment segment) => Inner.Sub(segment).Complement();
        public override bool IsNone => ReferenceEquals(Inner, All);
        internal override IEnumerable<(Address Address, bool Subtree)> Named => Inner.Named;
        public override string ToString() => ReferenceEquals(Inner, All) ? "none" : $"not ({Inner})";
    }

    private sealed class UnionSelection(Selection a, Selection b) : Selection
    {
        public override bool Contains(Address address) => a.Contains(address) || b.Contains(address);
        public override Selection Sub(AddressSegment segment) => new UnionSelection(a.Sub(segment), b.Sub(segment));
        public override bool IsNone => a.IsNone && b.IsNone;
        internal override IEnumerable<(Address Address, bool Subtree)> Named => a.Named.Concat(b.Named);
        public override string ToString() => $"({a}) or ({b})";
    }

    /// <summary>A trie of exact and subtree marks: the representation of At and Prefix selections.</summary>
    private sealed class SelectionTrie : Selection
    {
        private readonly bool _exact;
        private readonly ImmutableDictionary<AddressSegment, Selection> _children;
        private readonly (Address, bool)[] _named;

        private SelectionTrie(bool exact, ImmutableDictionary<AddressSegment, Selection> children, (Address, bool)[]? named = null)
        {
            _exact = exact;
            _children = children;
            _named = named ?? [];
        }

        public static Selection Build(Address[] addresses, bool subtree)
        {
            Selection root = new SelectionTrie(false, ImmutableDictionary<AddressSegment, Selection>.Empty);
            foreach (var a in addresses) root = Add(root, a, subtree);
            // Only the root remembers what was written (Sub views below it are internal to the walk).
            return root is SelectionTrie t ? new SelectionTrie(t._exact, t._children, addresses.Select(a => (a, subtree)).ToArray()) : root;
        }

        internal override IEnumerable<(Address Address, bool Subtree)> Named => _named;

        private static Selection Add(Selection node, Address rest, bool subtree)
        {
            if (node is AllSelection) return node;
            var t = (SelectionTrie)node;
            if (rest.IsRoot) return subtree ? All : new SelectionTrie(true, t._children);
            var child = t._children.TryGetValue(rest.First, out var c) ? c : new SelectionTrie(false, ImmutableDictionary<AddressSegment, Selection>.Empty);
            return new SelectionTrie(t._exact, t._children.SetItem(rest.First, Add(child, rest.Rest, subtree)));
        }

        public override bool Contains(Address address)
        {
            if (address.IsRoot) return _exact;
            return _children.TryGetValue(address.First, out var c) && c.Contains(address.Rest);
        }

        public override Selection Sub(AddressSegment segment) =>
            _children.TryGetValue(segment, out var c) ? c : None;

        public override bool IsNone => !_exact && _children.IsEmpty;

        public override string ToString() => _exact && _children.IsEmpty ? "{root}" : "{" + string.Join(", ", _children.Keys) + "}";
    }
}
