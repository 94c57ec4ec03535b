using Xunit;

namespace Ppl.Tests.Choices;

public class SelectionTests
{
    [Fact]
    public void AtSelectsExactAddresses_PrefixSelectsSubtrees()
    {
        var at = Selection.At("mu", new Address("y", 1));
        Assert.True(at.Contains("mu"));
        Assert.True(at.Contains(new Address("y", 1)));
        Assert.False(at.Contains(new Address("y", 2)));
        Assert.False(at.Contains(new Address("mu", 0)));
        var prefix = Selection.Prefix("y");
        Assert.True(prefix.Contains(new Address("y", 7)));
        Assert.True(prefix.Sub("y").Contains("anything"));
        Assert.False(prefix.Contains("mu"));
    }

    [Fact]
    public void AlgebraOfSelections()
    {
        var a = Selection.At("a");
        var b = Selection.Prefix("b");
        Assert.True((a | b).Contains(new Address("b", 3)));
        Assert.True((a | b).Contains("a"));
        Assert.False((a & b).Contains("a"));
        Assert.True((!a).Contains("c"));
        Assert.False((!a).Contains("a"));
        Assert.True(Selection.All.Contains("zzz"));
        Assert.False(Selection.None.Contains("zzz"));
        Assert.True(Selection.None.IsNone);
        Assert.True((!b).Sub("b").IsNone);
    }
}
