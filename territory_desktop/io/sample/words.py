"""Word lists for sample data: industries with their regional lean, company-name parts, streets, rep names.

Kept apart from the generator so the lists can grow without hiding the logic.
"""

from __future__ import annotations

INDUSTRIES = ("Manufacturing", "Healthcare", "Retail", "Technology", "Financial Services", "Construction",
              "Professional Services", "Transportation & Logistics", "Wholesale Distribution", "Education",
              "Hospitality", "Energy & Utilities")
INDUSTRY_WEIGHTS = (0.12, 0.12, 0.11, 0.09, 0.07, 0.10, 0.13, 0.06, 0.07, 0.04, 0.06, 0.03)
"""Rough shares of US business establishments by sector (Census County Business Patterns, rounded)."""

INDUSTRY_LEAN = {
    "Manufacturing": ("OH MI IN WI IL IA MN PA NC SC AL TN KY", 1.8),
    "Technology": ("CA WA MA CO TX UT NY VA OR NC", 1.7),
    "Financial Services": ("NY NJ CT IL NC DE MA", 1.6),
    "Energy & Utilities": ("TX OK LA ND WY NM WV CO AK PA", 2.5),
    "Hospitality": ("NV FL HI", 2.0),
    "Transportation & Logistics": ("TN IL GA TX KY NJ OH IN", 1.5),
    "Healthcare": ("MN MA TN PA MD", 1.3),
}
"""Industries that cluster in some states: (states, weight multiplier there)."""

NAME_CORES = {
    "Manufacturing": ("Manufacturing", "Fabrication", "Machine Works", "Plastics", "Metalworks", "Industries",
                      "Precision Parts", "Tool & Die", "Components"),
    "Healthcare": ("Dental", "Family Medicine", "Health Partners", "Medical Group", "Orthopedics", "Home Health",
                   "Pediatrics", "Eye Care", "Physical Therapy"),
    "Retail": ("Outfitters", "Hardware", "Home Goods", "Market", "Boutique", "Furniture", "Sporting Goods",
               "Pharmacy", "Garden Center"),
    "Technology": ("Software", "Systems", "Data", "Networks", "Labs", "Digital", "Cloud Solutions", "Analytics",
                   "Cyber"),
    "Financial Services": ("Capital", "Financial", "Wealth Advisors", "Credit Union", "Insurance Agency",
                           "Bancorp", "Mortgage", "Investments", "Trust"),
    "Construction": ("Builders", "Construction", "Contracting", "Roofing", "Paving", "Electric", "Plumbing",
                     "Concrete", "Homes"),
    "Professional Services": ("Consulting", "Law Group", "Accounting", "Engineering", "Architects", "Staffing",
                              "Marketing", "Advisors", "Design"),
    "Transportation & Logistics": ("Logistics", "Freight", "Trucking", "Transport", "Express", "Warehousing",
                                   "Distribution Services", "Moving", "Cargo"),
    "Wholesale Distribution": ("Supply", "Distributors", "Wholesale", "Trading", "Foods", "Industrial Supply",
                               "Wholesale Grocers", "Brands", "Imports"),
    "Education": ("Academy", "Learning Center", "College", "Schools", "Institute", "Montessori", "Tutoring",
                  "Training Center", "Prep"),
    "Hospitality": ("Hotels", "Restaurant Group", "Inn", "Resorts", "Catering", "Hospitality", "Grill",
                    "Brewing", "Suites"),
    "Energy & Utilities": ("Energy", "Power", "Solar", "Oil & Gas", "Utilities", "Propane", "Petroleum",
                           "Water", "Renewables"),
}
"""Company-name nouns per industry, so "Harbor Freight" is in Transportation, not in Dental."""

NAME_PREFIXES = ("Harbor", "Summit", "Pinnacle", "Cedar", "Granite", "Blue Ridge", "Keystone", "Lakeside",
                 "Northstar", "Red Rock", "Silver Creek", "Evergreen", "Prairie", "Coastal", "Ironwood",
                 "Liberty", "Frontier", "Pioneer", "Heritage", "Meridian", "Riverbend", "Oak Hill", "Bluewater",
                 "Sterling", "Redwood", "Magnolia", "Canyon", "Atlas", "Beacon", "Cornerstone", "Crescent",
                 "Eagle", "Falcon", "Golden Gate", "Highland", "Horizon", "Maple", "Mesa", "Patriot", "Pacific",
                 "Piedmont", "Quarry", "Sawgrass", "Sierra", "Tidewater", "Timberline", "Union", "Valley",
                 "Westfield", "Willow", "Apex", "Bright Path", "Clearwater", "Delta", "Elm Street", "Fairview",
                 "Great Lakes", "Hillcrest", "Lone Star", "Midland", "Northgate", "Old Mill", "Sunbelt", "Trinity")

SURNAMES = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
            "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
            "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez",
            "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen",
            "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell",
            "Carter", "Roberts", "Kowalski", "O'Brien", "Schmidt", "Patel", "Cohen", "Russo", "Sullivan",
            "Murphy", "Bennett", "Foster", "Hayes", "Brooks", "Price", "Reyes", "Morgan", "Cooper", "Kim")

FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
               "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
               "Christopher", "Karen", "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Sandra", "Mark",
               "Ashley", "Steven", "Emily", "Andrew", "Michelle", "Joshua", "Amanda", "Kevin", "Melissa",
               "Brian", "Stephanie", "Carlos", "Maria", "Priya", "Wei", "Aisha", "Diego", "Hannah", "Omar",
               "Grace", "Ethan", "Chloe", "Marcus", "Rachel", "Tyler", "Nicole", "Jordan", "Olivia", "Luis")

SUFFIXES = ("Inc", "LLC", "Co.", "Group", "Corp", "Partners", "Holdings", "Inc.", "Ltd", "Company")
SUFFIX_WEIGHTS = (0.24, 0.28, 0.06, 0.1, 0.08, 0.05, 0.04, 0.06, 0.03, 0.06)

STREET_NAMES = ("Main", "Oak", "Maple", "Park", "Washington", "Lake", "Hill", "Pine", "Cedar", "Elm", "Church",
                "Market", "Industrial", "Commerce", "Center", "Lincoln", "Jefferson", "Madison", "Franklin",
                "River", "Highland", "Sunset", "Airport", "Railroad", "Mill", "Spring", "Ridge", "Valley",
                "Forest", "Broadway", "Jackson", "Adams", "Walnut", "Chestnut", "Willow", "Harbor", "Union")
STREET_TYPES = ("St", "Ave", "Blvd", "Rd", "Dr", "Pkwy", "Way", "Ln", "Ct", "Plaza")
