using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Ppl.Tests.Choices;

public class ChoiceMapTests
{
    [Fact]
    public void SetGetAndHierarchy()
    {
        var m = ChoiceMap.Empty.Set("a", 1.0).Set(new Address("y", 2), 3.0).Set(new Address("sub", "x"), true);
        Assert.Equal(1.0, m.Get<double>("a"));
        Assert.Equal(3.0, m.Get<double>(Address.Parse("y/2")));
        Assert.True(m.GetSubmap("sub").Get<bool>("x"));
        Assert.Equal(3, m.Count);
        Assert.False(m.Contains("y"));
    }

    [Fact]
    public void SetIsPersistent()
    {
        var a = ChoiceMap.Empty.Set("x", 1.0);
        var b = a.Set("x", 2.0).Set("z", 0.0);
        Assert.Equal(1.0, a.Get<double>("x"));
        Assert.Equal(1, a.Count);
        Assert.Equal(2.0, b.Get<double>("x"));
    }

    [Fact]
    public void MergeRejectsConflictingValues()
    {
        var a = ChoiceMap.From(("x", 1.0));
        Assert.Throws<ArgumentException>(() => a.Merge(ChoiceMap.From(("x", 2.0))));
        Assert.Equal(2, a.Merge(ChoiceMap.From(("y", 2.0))).Count);
    }

    [Fact]
    public void MissingAddressErrorSuggestsTheClosest()
    {
        var m = ChoiceMap.From(("slope", 1.0), ("intercept", 2.0));
        var e = Assert.Throws<KeyNotFoundException>(() => m.Get<double>("slpoe"));
        Assert.Contains("'slope'", e.Message);
    }

    [Fact]
    public void ValuesCannotSitAboveOrBelowOtherValues()
    {
        var m = ChoiceMap.From((new Address("a", "b"), 1.0));
        Assert.Throws<ArgumentException>(() => m.Set("a", 1.0));
        Assert.Throws<ArgumentException>(() => m.Set(new Address("a", "b", "c"), 1.0));
    }

    [Property(MaxTest = 100)]
    public Property WithoutRemovesExactlyOneLeaf(int[] keys)
    {
        var distinct = keys.Distinct().Take(10).ToArray();
        var m = ChoiceMap.Empty;
        foreach (var k in distinct) m = m.Set(new Address("x", k), (double)k);
        if (distinct.Length == 0) return true.ToProperty();
        var removed = m.Without(new Address("x", distinct[0]));
        return (removed.Count == distinct.Length - 1 && !removed.Contains(new Address("x", distinct[0]))).ToProperty();
    }
}
